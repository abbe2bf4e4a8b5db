using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// What a simulated machine checks before it accepts a received image (docs/protocol.md §6.7): the bytes
/// match the offered image id (first 8 bytes of SHA-256), and, when it was given trust anchors, the
/// portable capsule verifier accepts it for this machine (trusted key, signature, image type, rollback floor).
/// </summary>
public sealed class ClientImageVerifier(CapsuleVerifier? capsuleVerifier, UpdateTarget target) : IImageVerifier
{
    public bool ChecksCapsule => capsuleVerifier is not null;

    /// <summary>The last rejection in words (for the simulation report).</summary>
    public string? LastRejection { get; private set; }

    /// <summary>SHA-256 of the last image checked (lowercase hex): the report uses it, so each machine hashes its image once.</summary>
    public string? LastImageSha256 { get; private set; }

    /// <summary>Stopwatch timestamps of the last check's start (every fragment held) and end (the report's verification phase).</summary>
    public long LastVerifyStartTimestamp { get; private set; }

    public long LastVerifyEndTimestamp { get; private set; }

    public ImageVerdict Verify(ReadOnlySpan<byte> image, in OfferMessage offer)
    {
        LastVerifyStartTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return Check(image, offer);
        }
        finally
        {
            LastVerifyEndTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }
    }

    private ImageVerdict Check(ReadOnlySpan<byte> image, in OfferMessage offer)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(image, digest);
        LastImageSha256 = Convert.ToHexStringLower(digest);
        if (BinaryPrimitives.ReadUInt64BigEndian(digest) != offer.ImageId)
        {
            LastRejection = "image bytes do not match the offered image id";
            return ImageVerdict.Reject(ResultReason.ImageIdMismatch);
        }
        if (capsuleVerifier is null) return ImageVerdict.Accept(offer.ImageVersion);
        CapsuleVerdict verdict = capsuleVerifier.Verify(image, target, out FmpCapsule capsule);
        if (!verdict.IsAccepted)
        {
            LastRejection = verdict.Status + ": " + verdict.Message;
            return ImageVerdict.Reject(ToResultReason(verdict.Status));
        }
        return ImageVerdict.Accept(capsule.PayloadHeader.FwVersion);
    }

    public static ResultReason ToResultReason(CapsuleStatus status) => status switch
    {
        CapsuleStatus.PublicKeyNotTrusted or CapsuleStatus.Pkcs7NoTrustedRoot => ResultReason.UntrustedKey,
        CapsuleStatus.SignatureInvalid or CapsuleStatus.Pkcs7VerificationFailed or CapsuleStatus.Rsa2048CertLengthInvalid
            or CapsuleStatus.Rsa2048HashTypeUnsupported => ResultReason.SignatureInvalid,
        CapsuleStatus.ImageTypeMismatch or CapsuleStatus.ImageIndexMismatch or CapsuleStatus.HardwareInstanceMismatch
            or CapsuleStatus.DependencyNotSatisfied or CapsuleStatus.DependencyInstalledVersionUnknown => ResultReason.WrongPlatform,
        CapsuleStatus.VersionBelowOwnLowestSupported or CapsuleStatus.RollbackBelowStoredLowestSupported => ResultReason.VersionTooLow,
        CapsuleStatus.PayloadTooLarge => ResultReason.ImageTooLarge,
        _ => ResultReason.MalformedImage,
    };

    public static UpdateTarget TargetFor(Guid imageType, uint storedLowestSupported, uint currentVersion)
    {
        Span<byte> bytes = stackalloc byte[16];
        imageType.TryWriteBytes(bytes);
        EfiGuid.TryRead(bytes, out EfiGuid type);
        return new UpdateTarget(type, 0, 0, storedLowestSupported, currentVersion, ulong.MaxValue);
    }
}
