namespace UefiRecovery.Core.Ipmi;

/// <summary>KCS control codes (IPMI 2.0 §9.10, Table 9-3).</summary>
public static class KcsControlCode
{
    /// <summary>GET_STATUS/ABORT, written to the command register.</summary>
    public const byte GetStatusAbort = 0x60;

    /// <summary>WRITE_START, to the command register before the first request byte.</summary>
    public const byte WriteStart = 0x61;

    /// <summary>WRITE_END, to the command register before the last request byte.</summary>
    public const byte WriteEnd = 0x62;

    /// <summary>READ, to the data register to acknowledge a response byte and ask for the next.</summary>
    public const byte Read = 0x68;
}
