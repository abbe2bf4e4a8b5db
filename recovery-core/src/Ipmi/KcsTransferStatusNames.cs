namespace UefiRecovery.Core.Ipmi;

/// <summary>The names printed for <see cref="KcsTransferStatus"/> and the phase it happened in.</summary>
public static class KcsTransferStatusNames
{
    public static string Name(KcsTransferStatus status) => status switch
    {
        KcsTransferStatus.Ok => "ok",
        KcsTransferStatus.BadRequest => "bad-request",
        KcsTransferStatus.IbfTimeout => "ibf-timeout",
        KcsTransferStatus.ObfTimeout => "obf-timeout",
        KcsTransferStatus.UnexpectedState => "unexpected-state",
        KcsTransferStatus.ResponseTooLong => "response-too-long",
        KcsTransferStatus.AbortFailed => "abort-failed",
        _ => "unknown",
    };

    /// <summary>The KCS error status codes (IPMI 2.0 §9.12, Table 9-5) read in the error exit.</summary>
    public static string ErrorCodeName(byte code) => code switch
    {
        0x00 => "no-error",
        0x01 => "aborted-by-command",
        0x02 => "illegal-control-code",
        0x06 => "length-error",
        0xFF => "unspecified-error",
        _ => code >= 0xC0 && code <= 0xFE ? "oem-error" : "reserved",
    };
}
