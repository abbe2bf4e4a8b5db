using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// The catalog's gate, on the portable verifier the firmware itself runs (recovery-core Image): parse
/// every length, authenticate against the trust store (RSA2048/SHA256 or PKCS7), and check what the
/// signature cannot: the version is not below the capsule's own lowest supported version and the payload
/// is not empty. Device-specific policy (image type, rollback floor) is the client's, at accept time.
/// </summary>
public sealed class TrustedCapsuleVerifier(TrustStore trust) : ICapsuleVerifier
{
    private readonly CapsuleVerifier _verifier = new(trust);
    private readonly object _gate = new(); // the portable verifier keeps one hashing workspace

    public CatalogVerdict Verify(string fileName, byte[] capsuleBytes)
    {
        lock (_gate)
        {
            CapsuleStatus parsed = CapsuleParser.TryParse(capsuleBytes, out FmpCapsule capsule);
            if (parsed != CapsuleStatus.Ok) return CatalogVerdict.Reject(Describe(parsed));
            var authentication = _verifier.Authenticate(capsule);
            if (!authentication.IsAccepted) return CatalogVerdict.Reject(Describe(authentication.Status));
            FmpPayloadHeader header = capsule.PayloadHeader;
            if (header.FwVersion < header.LowestSupportedVersion) return CatalogVerdict.Reject(Describe(CapsuleStatus.VersionBelowOwnLowestSupported));
            if (capsule.Payload.IsEmpty) return CatalogVerdict.Reject(Describe(CapsuleStatus.PayloadEmpty));
            Span<byte> type = stackalloc byte[EfiGuid.Size];
            capsule.ImageHeader.UpdateImageTypeId.TryWrite(type);
            // System.Guid's byte layout is the EFI mixed-endian one, so the bytes round-trip unchanged.
            return CatalogVerdict.Accept(new Guid(type), header.FwVersion, header.LowestSupportedVersion);
        }
    }

    private static string Describe(CapsuleStatus status) => status + ": " + CapsuleStatusText.Describe(status);
}
