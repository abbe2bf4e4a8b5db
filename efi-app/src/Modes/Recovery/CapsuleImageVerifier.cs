using System.Buffers.Binary;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// The client engine's verifier (docs/protocol.md §6.7) on the machine: the image id the donor named must
/// be the capsule's own (first 8 bytes of its SHA-256), then the portable <see cref="CapsuleVerifier"/>
/// decides against this machine's <see cref="TrustStore"/> and <see cref="UpdateTarget"/> (structure,
/// trusted key before use, signature, platform, rollback floor, size). Nothing is written before this
/// accepts the whole capsule. The last capsule verdict is kept for the console and RESULT.
/// </summary>
internal sealed class CapsuleImageVerifier : IImageVerifier
{
    private readonly CapsuleVerifier _verifier;
    private readonly UpdateTarget _target;

    public CapsuleImageVerifier(TrustStore trust, in UpdateTarget target)
    {
        _verifier = new CapsuleVerifier(trust);
        _target = target;
    }

    /// <summary>The capsule verifier's status of the last image (None before the first; Ok when accepted).</summary>
    public CapsuleStatus LastStatus { get; private set; }

    /// <summary>True when the last image was refused because its id did not match the offer.</summary>
    public bool LastImageIdMismatch { get; private set; }

    public ImageVerdict Verify(ReadOnlySpan<byte> image, in OfferMessage offer)
    {
        LastImageIdMismatch = false;
        LastStatus = CapsuleStatus.None;
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        Sha256.Hash(image, digest);
        if (BinaryPrimitives.ReadUInt64BigEndian(digest) != offer.ImageId)
        {
            LastImageIdMismatch = true;
            return ImageVerdict.Reject(ResultReason.ImageIdMismatch);
        }
        CapsuleVerdict verdict = _verifier.Verify(image, _target, out FmpCapsule capsule);
        LastStatus = verdict.Status;
        if (!verdict.IsAccepted)
        {
            return ImageVerdict.Reject(ReasonFor(verdict.Status));
        }
        return ImageVerdict.Accept(capsule.PayloadHeader.FwVersion);
    }

    /// <summary>The protocol's RESULT reason (§4.7) for a capsule verdict (docs/image-format.md codes).</summary>
    public static ResultReason ReasonFor(CapsuleStatus status)
    {
        switch (status)
        {
            case CapsuleStatus.Ok:
                return ResultReason.None;
            case CapsuleStatus.PublicKeyNotTrusted:
            case CapsuleStatus.Pkcs7NoTrustedRoot:
                return ResultReason.UntrustedKey;
            case CapsuleStatus.SignatureInvalid:
            case CapsuleStatus.Pkcs7VerificationFailed:
            case CapsuleStatus.Rsa2048CertLengthInvalid:
            case CapsuleStatus.Rsa2048HashTypeUnsupported:
                return ResultReason.SignatureInvalid;
            case CapsuleStatus.ImageTypeMismatch:
            case CapsuleStatus.ImageIndexMismatch:
            case CapsuleStatus.HardwareInstanceMismatch:
            case CapsuleStatus.DependencyMalformed:
            case CapsuleStatus.DependencyNotSatisfied:
            case CapsuleStatus.DependencyInstalledVersionUnknown:
                return ResultReason.WrongPlatform;
            case CapsuleStatus.VersionBelowOwnLowestSupported:
            case CapsuleStatus.RollbackBelowStoredLowestSupported:
                return ResultReason.VersionTooLow;
            case CapsuleStatus.PayloadTooLarge:
                return ResultReason.ImageTooLarge;
            default:
                // 1xx structure errors and an empty payload.
                return ResultReason.MalformedImage;
        }
    }
}
