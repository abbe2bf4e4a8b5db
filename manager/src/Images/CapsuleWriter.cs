using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Manager.Images;

/// <summary>
/// Writes signed FMP capsules in exactly the layout EDK2's tools produce (GenerateCapsule.py for PKCS7, GenFds'
/// Rsa2048Sha256Sign path for RSA2048/SHA256): EFI_CAPSULE_HEADER (HeaderSize 0x20), FMP capsule header with
/// one item at 0x10, image header v3, EFI_FIRMWARE_IMAGE_AUTHENTICATION, [dependency], FMP_PAYLOAD_HEADER, payload.
/// The signature covers [dependency] FMP_PAYLOAD_HEADER payload || UINT64 LE MonotonicCount.
/// </summary>
public static class CapsuleWriter
{
    private const int CapsuleHeaderSize = 0x20;
    private const int FmpHeaderSize = 0x10;

    /// <summary>RSA2048/SHA256 capsule (EFI_CERT_BLOCK_RSA_2048_SHA256: HashType, modulus, PKCS#1 v1.5 signature).</summary>
    public static byte[] BuildRsa2048(CapsuleSpec spec, RSA key)
    {
        RSAParameters parameters = key.ExportParameters(false);
        if (parameters.Modulus is null || parameters.Modulus.Length != 256 || parameters.Exponent is null
            || !parameters.Exponent.AsSpan().SequenceEqual(new byte[] { 1, 0, 1 }))
        {
            throw new ArgumentException("RSA2048/SHA256 capsules need a 2048-bit key with e = 65537");
        }
        byte[] signedPart = BuildSignedPart(spec);
        byte[] signature = key.SignData(WithMonotonicCount(signedPart, spec.MonotonicCount), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        byte[] certData = new byte[CapsuleVerifier.Rsa2048CertBlockSize];
        CapsuleGuids.HashAlgorithmSha256.TryWrite(certData);
        parameters.Modulus.CopyTo(certData, 16);
        signature.CopyTo(certData, 16 + 256);
        return Assemble(spec, CapsuleGuids.CertTypeRsa2048Sha256, certData, signedPart);
    }

    /// <summary>
    /// PKCS7 capsule: a detached CMS SignedData (sha256, signed attributes with signingTime, the signer certificate
    /// plus <paramref name="extraCertificates"/>), like `openssl smime -sign -binary -md sha256 -certfile ...`.
    /// </summary>
    public static byte[] BuildPkcs7(CapsuleSpec spec, X509Certificate2 signerWithKey, X509Certificate2Collection extraCertificates)
    {
        byte[] signedPart = BuildSignedPart(spec);
        var content = new ContentInfo(WithMonotonicCount(signedPart, spec.MonotonicCount));
        var cms = new SignedCms(content, detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signerWithKey)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"), // id-sha256
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(DateTime.UtcNow));
        signer.Certificates.AddRange(extraCertificates);
        cms.ComputeSignature(signer, silent: true);
        return Assemble(spec, CapsuleGuids.CertTypePkcs7, cms.Encode(), signedPart);
    }

    /// <summary>[dependency] FMP_PAYLOAD_HEADER { 'MSS1', 16, FwVersion, LowestSupportedVersion } payload.</summary>
    public static byte[] BuildSignedPart(CapsuleSpec spec)
    {
        byte[] part = new byte[spec.Dependency.Length + FmpPayloadHeader.MinimumSize + spec.Payload.Length];
        spec.Dependency.CopyTo(part, 0);
        Span<byte> header = part.AsSpan(spec.Dependency.Length, FmpPayloadHeader.MinimumSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header, FmpPayloadHeader.ExpectedSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), FmpPayloadHeader.MinimumSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(8), spec.FwVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(12), spec.LowestSupportedVersion);
        spec.Payload.CopyTo(part, spec.Dependency.Length + FmpPayloadHeader.MinimumSize);
        return part;
    }

    private static byte[] WithMonotonicCount(byte[] signedPart, ulong monotonicCount)
    {
        byte[] data = new byte[signedPart.Length + 8];
        signedPart.CopyTo(data, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(signedPart.Length), monotonicCount);
        return data;
    }

    private static byte[] Assemble(CapsuleSpec spec, UefiRecovery.Core.Common.EfiGuid certType, byte[] certData, byte[] signedPart)
    {
        int authenticationSize = FirmwareImageAuthentication.FixedSize + certData.Length;
        long updateImageSize = (long)authenticationSize + signedPart.Length;
        long total = CapsuleHeaderSize + FmpHeaderSize + FmpImageHeader.Version3Size + updateImageSize;
        if (total > uint.MaxValue || total > Array.MaxLength)
        {
            throw new ArgumentException("capsule would exceed 4 GiB (CapsuleImageSize is a UINT32)");
        }
        byte[] file = new byte[total];
        Span<byte> f = file;

        // EFI_CAPSULE_HEADER, padded to 0x20 like GenerateCapsule.py; Flags 0.
        CapsuleGuids.FmpCapsule.TryWrite(f);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(CapsuleHeader.HeaderSizeOffset), CapsuleHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(CapsuleHeader.CapsuleImageSizeOffset), (uint)total);

        // EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER: Version 1, no drivers, one payload at offset 0x10.
        Span<byte> fmp = f.Slice(CapsuleHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(fmp, FmpCapsuleHeader.SupportedVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(fmp.Slice(6), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(fmp.Slice(8), FmpHeaderSize);

        // EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER v3.
        Span<byte> image = fmp.Slice(FmpHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(image, 3);
        spec.ImageType.TryWrite(image.Slice(4));
        image[20] = spec.ImageIndex;
        BinaryPrimitives.WriteUInt32LittleEndian(image.Slice(24), (uint)updateImageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(image.Slice(32), spec.HardwareInstance);
        ulong support = FmpImageHeader.CapsuleSupportAuthentication
            | (spec.Dependency.Length > 0 ? FmpImageHeader.CapsuleSupportDependency : 0);
        BinaryPrimitives.WriteUInt64LittleEndian(image.Slice(40), support);

        // EFI_FIRMWARE_IMAGE_AUTHENTICATION.
        Span<byte> auth = image.Slice(FmpImageHeader.Version3Size);
        BinaryPrimitives.WriteUInt64LittleEndian(auth, spec.MonotonicCount);
        BinaryPrimitives.WriteUInt32LittleEndian(auth.Slice(8), (uint)(FirmwareImageAuthentication.CertificateHeaderSize + certData.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(auth.Slice(12), FirmwareImageAuthentication.WinCertificateRevision);
        BinaryPrimitives.WriteUInt16LittleEndian(auth.Slice(14), FirmwareImageAuthentication.WinCertTypeEfiGuid);
        certType.TryWrite(auth.Slice(16));
        certData.CopyTo(auth.Slice(FirmwareImageAuthentication.FixedSize));
        signedPart.CopyTo(auth.Slice(authenticationSize));
        return file;
    }
}
