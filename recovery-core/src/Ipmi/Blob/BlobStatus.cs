namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>How one BLOB command ended (<see cref="BlobClient"/>).</summary>
public enum BlobStatus : byte
{
    Ok = 0,

    /// <summary>The request does not fit one IPMI message, or the blob id is empty or holds a NUL.</summary>
    BadRequest,

    /// <summary>The KCS transfer failed or the IPMI response was malformed (<see cref="BlobClient.Ipmi"/> says how).</summary>
    TransferFailed,

    /// <summary>The BMC answered a completion code other than 00h (<see cref="BlobClient.LastCompletionCode"/>).</summary>
    CompletionCode,

    /// <summary>The answer is shorter than its OEN, CRC or fixed fields say.</summary>
    Short,

    /// <summary>The answer carries another OEM number than OpenBMC's.</summary>
    WrongOen,

    /// <summary>The answer's CRC does not match its payload.</summary>
    BadCrc,

    /// <summary>A Read answered more bytes than were asked for.</summary>
    Oversize,
}
