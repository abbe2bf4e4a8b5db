using System;

namespace UefiRecovery.Core.Image;

/// <summary>
/// Parses a whole capsule file: EFI_CAPSULE_HEADER → FMP capsule header → FMP image header (v1–v3) →
/// EFI_FIRMWARE_IMAGE_AUTHENTICATION → optional dependency → FMP payload header → payload.
/// Every length and offset is checked against the bytes that remain before it is used; the first
/// inconsistency is returned as a <see cref="CapsuleStatus"/>. Parsing says nothing about authenticity.
/// </summary>
public static class CapsuleParser
{
    public static CapsuleStatus TryParse(ReadOnlySpan<byte> file, out FmpCapsule capsule)
    {
        capsule = default;
        CapsuleStatus status = CapsuleHeader.TryRead(file, out CapsuleHeader capsuleHeader);
        if (status != CapsuleStatus.Ok)
        {
            return status;
        }

        // CapsuleImageSize == file.Length and HeaderSize <= it, so these slices are in range.
        int fmpOffset = (int)capsuleHeader.HeaderSize;
        ReadOnlySpan<byte> fmpRegion = file.Slice(fmpOffset);
        status = FmpCapsuleHeader.TryRead(fmpRegion, out FmpCapsuleHeader fmpHeader);
        if (status != CapsuleStatus.Ok)
        {
            return status;
        }

        // The single payload item runs from its offset (checked < fmpRegion.Length) to the end of the capsule.
        int imageHeaderOffset = fmpOffset + (int)fmpHeader.PayloadItemOffset;
        ReadOnlySpan<byte> item = file.Slice(imageHeaderOffset);
        status = FmpImageHeader.TryRead(item, out FmpImageHeader imageHeader);
        if (status != CapsuleStatus.Ok)
        {
            return status;
        }

        int authenticationOffset = imageHeaderOffset + imageHeader.Size;
        ReadOnlySpan<byte> updateImage = file.Slice(authenticationOffset, (int)imageHeader.UpdateImageSize);
        status = FirmwareImageAuthentication.TryRead(updateImage, out FirmwareImageAuthentication authentication);
        if (status != CapsuleStatus.Ok)
        {
            return status;
        }

        ReadOnlySpan<byte> signed = updateImage.Slice(authentication.TotalSize);
        int dependencyLength = 0;
        if (imageHeader.HasDependency)
        {
            status = FirmwareImageDependency.TryMeasure(signed, out dependencyLength);
            if (status != CapsuleStatus.Ok)
            {
                return status;
            }
        }

        status = FmpPayloadHeader.TryRead(signed.Slice(dependencyLength), out FmpPayloadHeader payloadHeader);
        if (status != CapsuleStatus.Ok)
        {
            return status;
        }

        capsule = new FmpCapsule(capsuleHeader, fmpHeader, imageHeader, authentication, payloadHeader,
            imageHeaderOffset, authenticationOffset, dependencyLength, file);
        return CapsuleStatus.Ok;
    }
}
