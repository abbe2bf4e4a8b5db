using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Core.Image;

/// <summary>
/// Decides whether a capsule may be written to the target: parse (every length checked), authenticate
/// against the machine's <see cref="TrustStore"/> only (never a key or certificate carried in the capsule
/// on its own authority), then the policy checks the signature does not cover. Fails closed: only
/// <see cref="CapsuleStatus.Ok"/> is an accept. Verify the exact buffer that will be written (no re-read
/// between verification and the flash write). One instance holds the hashing workspace; create it at setup.
/// </summary>
public sealed class CapsuleVerifier
{
    /// <summary>EFI_CERT_BLOCK_RSA_2048_SHA256: HashType (16) + PublicKey (256) + Signature (256).</summary>
    public const int Rsa2048CertBlockSize = 16 + 256 + 256;

    /// <summary>dwLength of an RSA2048/SHA256 WIN_CERTIFICATE_UEFI_GUID: 24 + 528 = 0x228.</summary>
    public const uint Rsa2048CertLength = FirmwareImageAuthentication.CertificateHeaderSize + Rsa2048CertBlockSize;

    /// <summary>EDK2's RSA2048/SHA256 capsule key always uses e = 65537 (the cert block carries only the modulus).</summary>
    private static ReadOnlySpan<byte> Rsa2048PublicExponent => new byte[] { 0x01, 0x00, 0x01 };

    private readonly TrustStore _trust;
    private readonly Sha256 _hasher = new Sha256();

    public CapsuleVerifier(TrustStore trust)
    {
        _trust = trust;
    }

    /// <summary>Parses, authenticates and checks policy. <paramref name="capsule"/> is valid whenever parsing passed.</summary>
    public CapsuleVerdict Verify(ReadOnlySpan<byte> file, in UpdateTarget target, out FmpCapsule capsule)
    {
        CapsuleStatus status = CapsuleParser.TryParse(file, out capsule);
        if (status != CapsuleStatus.Ok)
        {
            return CapsuleVerdict.Of(status);
        }

        CapsuleVerdict authentication = Authenticate(capsule);
        if (authentication.Status != CapsuleStatus.Ok)
        {
            return authentication;
        }

        status = CheckPolicy(capsule, target);
        return new CapsuleVerdict(status, authentication.RsaResult, authentication.Pkcs7Checked, authentication.Pkcs7Result);
    }

    /// <summary>
    /// The signature check alone (EDK2 FmpAuthenticationLib): SHA-256 over SignedData || UINT64 LE MonotonicCount,
    /// then RSA2048/SHA256 with a trusted key hash, or PKCS7 chaining to a trusted root.
    /// </summary>
    public CapsuleVerdict Authenticate(FmpCapsule capsule)
    {
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        ComputeSignedDigest(capsule, digest);

        if (capsule.Authentication.IsRsa2048Sha256)
        {
            return AuthenticateRsa2048(capsule, digest);
        }
        if (capsule.Authentication.IsPkcs7)
        {
            return AuthenticatePkcs7(capsule, digest);
        }
        return CapsuleVerdict.Of(CapsuleStatus.CertTypeUnsupported);
    }

    /// <summary>Policy against the device, after authentication (so the payload header's versions are authentic).</summary>
    public static CapsuleStatus CheckPolicy(FmpCapsule capsule, in UpdateTarget target)
    {
        FmpImageHeader image = capsule.ImageHeader;
        if (!image.UpdateImageTypeId.Equals(target.ImageTypeId))
        {
            return CapsuleStatus.ImageTypeMismatch;
        }
        if (target.ImageIndex != 0 && image.UpdateImageIndex != target.ImageIndex)
        {
            return CapsuleStatus.ImageIndexMismatch;
        }
        if (image.UpdateHardwareInstance != 0 && image.UpdateHardwareInstance != target.HardwareInstance)
        {
            return CapsuleStatus.HardwareInstanceMismatch;
        }
        CapsuleStatus versionsAndPayload = CheckVersionsAndPayload(capsule, target.StoredLowestSupportedVersion);
        if (versionsAndPayload != CapsuleStatus.Ok)
        {
            return versionsAndPayload;
        }
        if ((ulong)capsule.Payload.Length > target.RegionSize)
        {
            return CapsuleStatus.PayloadTooLarge;
        }
        if (!capsule.Dependency.IsEmpty)
        {
            CapsuleStatus dependency = FirmwareImageDependency.Evaluate(capsule.Dependency, target.ImageTypeId, target.CurrentVersion);
            if (dependency != CapsuleStatus.Ok)
            {
                return dependency;
            }
        }
        return CapsuleStatus.Ok;
    }

    /// <summary>
    /// The part of <see cref="CheckPolicy"/> that needs nothing of the device but its rollback floor: FwVersion
    /// not below the capsule's own LowestSupportedVersion, nor below <paramref name="storedLowestSupportedVersion"/>
    /// (0: no floor), and a payload that is not empty. The manager's catalog applies it with no floor (it knows
    /// no machine's), so a rule changed here changes for the catalog and the machine alike.
    /// </summary>
    public static CapsuleStatus CheckVersionsAndPayload(FmpCapsule capsule, uint storedLowestSupportedVersion)
    {
        FmpPayloadHeader payloadHeader = capsule.PayloadHeader;
        if (payloadHeader.FwVersion < payloadHeader.LowestSupportedVersion)
        {
            return CapsuleStatus.VersionBelowOwnLowestSupported;
        }
        if (payloadHeader.FwVersion < storedLowestSupportedVersion)
        {
            return CapsuleStatus.RollbackBelowStoredLowestSupported;
        }
        if (capsule.Payload.IsEmpty)
        {
            return CapsuleStatus.PayloadEmpty;
        }
        return CapsuleStatus.Ok;
    }

    /// <summary>SHA-256(SignedData || MonotonicCount as UINT64 LE), the data EDK2 signs for both cert types.</summary>
    public void ComputeSignedDigest(FmpCapsule capsule, Span<byte> digest)
    {
        Span<byte> monotonicCount = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(monotonicCount, capsule.Authentication.MonotonicCount);
        _hasher.Initialize();
        _hasher.Append(capsule.SignedData);
        _hasher.Append(monotonicCount);
        _hasher.Finish(digest);
    }

    private CapsuleVerdict AuthenticateRsa2048(FmpCapsule capsule, ReadOnlySpan<byte> digest)
    {
        // EDK2 FmpAuthenticationLibRsa2048Sha256: exact dwLength, SHA-256 HashType, then the key hash check
        // BEFORE the key is used (SP 800-147 2-C).
        if (capsule.Authentication.Length != Rsa2048CertLength)
        {
            return CapsuleVerdict.Of(CapsuleStatus.Rsa2048CertLengthInvalid);
        }
        ReadOnlySpan<byte> block = capsule.CertificateData;
        Common.EfiGuid.TryRead(block, out Common.EfiGuid hashType);
        if (!hashType.Equals(CapsuleGuids.HashAlgorithmSha256))
        {
            return CapsuleVerdict.Of(CapsuleStatus.Rsa2048HashTypeUnsupported);
        }
        ReadOnlySpan<byte> publicKey = block.Slice(16, 256);
        ReadOnlySpan<byte> signature = block.Slice(16 + 256, 256);
        if (!_trust.IsKeyTrusted(publicKey))
        {
            return CapsuleVerdict.Of(CapsuleStatus.PublicKeyNotTrusted);
        }
        RsaVerifyResult result = RsaPkcs1Verifier.Verify(publicKey, Rsa2048PublicExponent, digest, signature);
        CapsuleStatus status = result == RsaVerifyResult.Valid ? CapsuleStatus.Ok : CapsuleStatus.SignatureInvalid;
        return new CapsuleVerdict(status, result, false, default);
    }

    private CapsuleVerdict AuthenticatePkcs7(FmpCapsule capsule, ReadOnlySpan<byte> digest)
    {
        if (_trust.RootCertificateCount == 0)
        {
            return CapsuleVerdict.Of(CapsuleStatus.Pkcs7NoTrustedRoot);
        }
        // Any trusted root may anchor the chain (key rotation: several roots, SP 800-193 3.5.1).
        Pkcs7VerifyResult last = default;
        for (int i = 0; i < _trust.RootCertificateCount; i++)
        {
            last = Pkcs7Verifier.Verify(capsule.CertificateData, digest, _trust.GetRootCertificate(i));
            if (last.IsVerified)
            {
                return new CapsuleVerdict(CapsuleStatus.Ok, RsaVerifyResult.None, true, last);
            }
        }
        return new CapsuleVerdict(CapsuleStatus.Pkcs7VerificationFailed, RsaVerifyResult.None, true, last);
    }
}
