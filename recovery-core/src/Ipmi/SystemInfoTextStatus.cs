namespace UefiRecovery.Core.Ipmi;

/// <summary>How reading a text system info parameter ended (<see cref="SystemInfoText.Read"/>).</summary>
public enum SystemInfoTextStatus : byte
{
    Read = 0,

    /// <summary>Completion code 80h (parameter not supported) or C1h (no Get System Info Parameters at all).</summary>
    NotSupported,

    /// <summary>The transfer failed or the BMC gave another completion code.</summary>
    Failed,

    /// <summary>A block did not echo its set selector, the encoding is not ASCII, or the length does not fit.</summary>
    Malformed,
}
