namespace UefiRecovery.Core.Ipmi;

/// <summary>Network function codes (IPMI 2.0 §5.1, Table 5-1) and the commands this project sends.</summary>
public static class IpmiNetFn
{
    public const byte Chassis = 0x00;
    public const byte App = 0x06;

    /// <summary>Get Device ID (§20.1), netfn App.</summary>
    public const byte GetDeviceId = 0x01;

    /// <summary>Get System Info Parameters (§22.14a), netfn App.</summary>
    public const byte GetSystemInfoParameters = 0x59;

    /// <summary>Get System Boot Options (§28.13), netfn Chassis.</summary>
    public const byte GetSystemBootOptions = 0x09;
}
