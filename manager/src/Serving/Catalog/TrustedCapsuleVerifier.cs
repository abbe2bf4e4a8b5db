using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// The catalog's gate, on the portable verifier the firmware itself runs (recovery-core Image): parse
/// every length, authenticate against the trust store (RSA2048/SHA256 or PKCS7), and apply the machine's
/// own rules that need no device (<see cref="CapsuleVerifier.CheckVersionsAndPayload"/>: the version is not
/// below the capsule's own lowest supported version, the payload is not empty). Device-specific policy
/// (image type, rollback floor, region size, dependencies) is the client's, at accept time.
/// </summary>
public sealed class TrustedCapsuleVerifier(TrustStore trust) : ICatalogVerifier
{
    // The rollback floor is each machine's own (UpdateTarget), checked when it verifies the received image.
    private const uint NoRollbackFloor = 0;

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
            CapsuleStatus policy = CapsuleVerifier.CheckVersionsAndPayload(capsule, NoRollbackFloor);
            if (policy != CapsuleStatus.Ok) return CatalogVerdict.Reject(Describe(policy));
            FmpPayloadHeader header = capsule.PayloadHeader;
            Span<byte> type = stackalloc byte[EfiGuid.Size];
            capsule.ImageHeader.UpdateImageTypeId.TryWrite(type);
            // System.Guid's byte layout is the EFI mixed-endian one, so the bytes round-trip unchanged.
            return CatalogVerdict.Accept(new Guid(type), header.FwVersion, header.LowestSupportedVersion);
        }
    }

    private static string Describe(CapsuleStatus status) => status + ": " + CapsuleStatusText.Describe(status);
}
