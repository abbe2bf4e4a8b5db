namespace UefiRecovery.Core.Ipmi;

/// <summary>The KCS status register's bits (IPMI 2.0 §9.7, Table 9-1).</summary>
public static class KcsStatusRegister
{
    /// <summary>Output Buffer Full: the BMC has put a byte in the data-out register.</summary>
    public const byte Obf = 0x01;

    /// <summary>Input Buffer Full: the host's last write has not been taken by the BMC yet.</summary>
    public const byte Ibf = 0x02;

    /// <summary>SMS_ATN: the BMC has a message or event for system software.</summary>
    public const byte SmsAttention = 0x04;

    /// <summary>C/D#: the last write was to the command register.</summary>
    public const byte CommandLast = 0x08;

    public static KcsState StateOf(byte status) => (KcsState)(status >> 6);
}
