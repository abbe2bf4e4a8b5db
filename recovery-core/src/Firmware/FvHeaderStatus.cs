namespace UefiRecovery.Core.Firmware;

/// <summary>Outcome of parsing an EFI_FIRMWARE_VOLUME_HEADER (<see cref="FvHeader.TryParse"/>).</summary>
public enum FvHeaderStatus
{
    Valid,

    /// <summary>Fewer bytes than the fixed header plus one block-map entry and the terminator, or than HeaderLength.</summary>
    TooShort,

    /// <summary>Signature is not "_FVH".</summary>
    BadSignature,

    /// <summary>Revision is not EFI_FVH_REVISION (2).</summary>
    BadRevision,

    /// <summary>HeaderLength odd, shorter than the fixed part plus terminator, or beyond FvLength.</summary>
    BadHeaderLength,

    /// <summary>The 16-bit sum over HeaderLength bytes is not zero.</summary>
    BadChecksum,

    /// <summary>The block map has no {0,0} terminator inside HeaderLength, an entry with one zero half, or no entries.</summary>
    BadBlockMap,

    /// <summary>The block map does not add up to FvLength (or overflows).</summary>
    BlockMapLengthMismatch,

    /// <summary>ExtHeaderOffset is non-zero but inside the header or past FvLength.</summary>
    BadExtHeaderOffset,
}
