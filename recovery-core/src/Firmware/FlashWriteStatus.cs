namespace UefiRecovery.Core.Firmware;

/// <summary>Outcome of <see cref="FlashWriter.Write"/>; the failing block is in <see cref="FlashWriteResult.Block"/>.</summary>
public enum FlashWriteStatus
{
    Success,

    /// <summary>The image is not exactly BlockSize × BlockCount bytes, or the protected header does not fit block 0.</summary>
    ImageSizeMismatch,

    /// <summary>A block could not be read for the compare-first pass or the final verification.</summary>
    ReadFailed,

    /// <summary>A block could not be erased in the allowed attempts.</summary>
    EraseFailed,

    /// <summary>A block could not be written in the allowed attempts.</summary>
    WriteFailed,

    /// <summary>A block read back different from the image in every attempt, or in the final verification.</summary>
    VerifyFailed,
}
