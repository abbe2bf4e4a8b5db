namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>The judgement of the BMC's image claim (<see cref="BmcImageOffer"/>).</summary>
public enum BmcImageOfferStatus : byte
{
    /// <summary>No metadata of the expected layout: nothing claimed, the image is read and verified.</summary>
    NoClaim = 0,

    /// <summary>The claimed type is the machine's and the version is at or above the floor: read it, then verify it.</summary>
    Acceptable,

    /// <summary>Another image type: skipped without reading.</summary>
    WrongImageType,

    /// <summary>A version below the machine's floor: skipped without reading.</summary>
    BelowFloor,
}
