using System;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Ipmi.Blob;

/// <summary>
/// What the BMC says about the image it holds before it is read (docs/bmc.md): Stat's metadata for
/// <c>/recovery/image</c> may be the FMP image type GUID (16 bytes, EFI_GUID layout) and the firmware version (4 bytes,
/// little-endian). Judged like a network donor's OFFER (same image type, version at or above the floor), it lets
/// recovery skip an image it would refuse without minutes of reading. Not a trust decision: the metadata is unsigned,
/// and an image that passes is still verified whole before anything is written. Other metadata lengths: no claim.
/// </summary>
public static class BmcImageOffer
{
    public const int MetadataBytes = EfiGuid.Size + 4;

    public static BmcImageOfferStatus Judge(ReadOnlySpan<byte> metadata, EfiGuid imageType, uint lowestVersion, out EfiGuid offeredType, out uint offeredVersion)
    {
        offeredType = default;
        offeredVersion = 0;
        if (metadata.Length != MetadataBytes || !EfiGuid.TryRead(metadata, out offeredType))
            return BmcImageOfferStatus.NoClaim;
        offeredVersion = (uint)(metadata[16] | metadata[17] << 8 | metadata[18] << 16 | metadata[19] << 24);
        if (!offeredType.Equals(imageType))
            return BmcImageOfferStatus.WrongImageType;
        if (offeredVersion < lowestVersion)
            return BmcImageOfferStatus.BelowFloor;
        return BmcImageOfferStatus.Acceptable;
    }
}
