using System;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// TEST ONLY (<c>serve --insecure-serve-unverified</c>): the catalog gate of a rogue donor. It only parses
/// the capsule (every length still checked) to learn its image type and version; it does NOT authenticate
/// it and applies no version rule, so tampered, untrusted and rollback capsules are offered. It exists so
/// end-to-end tests can show that the machine's own verification refuses what a rogue donor serves.
/// </summary>
public sealed class UnverifiedCapsuleVerifier : ICatalogVerifier
{
    public CatalogVerdict Verify(string fileName, byte[] capsuleBytes)
    {
        CapsuleStatus parsed = CapsuleParser.TryParse(capsuleBytes, out FmpCapsule capsule);
        if (parsed != CapsuleStatus.Ok) return CatalogVerdict.Reject(parsed + ": " + CapsuleStatusText.Describe(parsed));
        Span<byte> type = stackalloc byte[UefiRecovery.Core.Common.EfiGuid.Size];
        capsule.ImageHeader.UpdateImageTypeId.TryWrite(type);
        return CatalogVerdict.Accept(new Guid(type), capsule.PayloadHeader.FwVersion, capsule.PayloadHeader.LowestSupportedVersion);
    }
}
