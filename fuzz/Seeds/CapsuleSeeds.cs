using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;

namespace UefiRecovery.Fuzz.Seeds;

/// <summary>
/// Small signed FMP capsules for the checked-in capsule and pkcs7 corpora (`seeds` command, docs/fuzzing.md),
/// in EDK2's layout (docs/image-format.md): RSA2048 with image header v1 and v3 (with a dependency
/// expression), PKCS7 with a three-level chain, with and without signed attributes, and PKCS7 chains that
/// end in a chain rule (too long, path length exceeded, a foreign self-signed root). Fresh keys each time:
/// regenerating gives other bytes, which is fine for seeds.
/// </summary>
public static class CapsuleSeeds
{
    private static readonly byte[] ImageType = Convert.FromHexString("1B1A3C6E4D3F0E4F9C642A5D8B1F7E10");

    /// <summary>Each capsule with the root certificate that anchors it (empty for RSA2048).</summary>
    public static IEnumerable<(string Name, byte[] Capsule, byte[] Root)> Make()
    {
        using RSA rsa = RSA.Create(2048);
        yield return ("rsa2048-v3", Build(3, Array.Empty<byte>(), toSign => Rsa2048CertData(rsa, toSign), CapsuleGuids.CertTypeRsa2048Sha256), Array.Empty<byte>());
        yield return ("rsa2048-v1", Build(1, Array.Empty<byte>(), toSign => Rsa2048CertData(rsa, toSign), CapsuleGuids.CertTypeRsa2048Sha256), Array.Empty<byte>());
        byte[] dependency = Dependency();
        yield return ("rsa2048-v3-dependency", Build(3, dependency, toSign => Rsa2048CertData(rsa, toSign), CapsuleGuids.CertTypeRsa2048Sha256), Array.Empty<byte>());

        using (Chain chain = Chain.Make(1, null))
        {
            yield return ("pkcs7-attributes", Build(3, Array.Empty<byte>(), toSign => Pkcs7CertData(chain, toSign, true), CapsuleGuids.CertTypePkcs7), chain.Root.RawData);
            yield return ("pkcs7-no-attributes", Build(3, Array.Empty<byte>(), toSign => Pkcs7CertData(chain, toSign, false), CapsuleGuids.CertTypePkcs7), chain.Root.RawData);
        }
        // Chains that end in the chain rules rather than in success, so mutations start next to them.
        using (Chain chain = Chain.Make(4, null))
        {
            yield return ("pkcs7-chain-too-long", Build(3, Array.Empty<byte>(), toSign => Pkcs7CertData(chain, toSign, true), CapsuleGuids.CertTypePkcs7), chain.Root.RawData);
        }
        using (Chain chain = Chain.Make(2, 0))
        {
            yield return ("pkcs7-path-length-exceeded", Build(3, Array.Empty<byte>(), toSign => Pkcs7CertData(chain, toSign, true), CapsuleGuids.CertTypePkcs7), chain.Root.RawData);
        }
        using (Chain chain = Chain.Make(1, null))
        using (Chain other = Chain.Make(0, null))
        {
            chain.Extra.Add(chain.Root);
            yield return ("pkcs7-untrusted-root-in-cms", Build(3, Array.Empty<byte>(), toSign => Pkcs7CertData(chain, toSign, true), CapsuleGuids.CertTypePkcs7), other.Root.RawData);
        }
    }

    private static byte[] Build(uint imageHeaderVersion, byte[] dependency, Func<byte[], byte[]> sign, EfiGuid certType)
    {
        byte[] payload = new byte[64];
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)i;
        byte[] signedPart = new byte[dependency.Length + FmpPayloadHeader.MinimumSize + payload.Length];
        dependency.CopyTo(signedPart, 0);
        Span<byte> payloadHeader = signedPart.AsSpan(dependency.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader, FmpPayloadHeader.ExpectedSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader.Slice(4), FmpPayloadHeader.MinimumSize);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader.Slice(8), 0x0001_0002);
        BinaryPrimitives.WriteUInt32LittleEndian(payloadHeader.Slice(12), 0x0001_0000);
        payload.CopyTo(signedPart, dependency.Length + FmpPayloadHeader.MinimumSize);
        byte[] toSign = new byte[signedPart.Length + 8]; // + MonotonicCount 0
        signedPart.CopyTo(toSign, 0);
        byte[] certData = sign(toSign);

        int imageHeaderSize = imageHeaderVersion == 1 ? FmpImageHeader.Version1Size : FmpImageHeader.Version3Size;
        int certLength = FirmwareImageAuthentication.CertificateHeaderSize + certData.Length;
        int updateImageSize = 8 + certLength + signedPart.Length;
        int total = 0x20 + 0x10 + imageHeaderSize + updateImageSize;
        byte[] file = new byte[total];
        Span<byte> f = file;
        CapsuleGuids.FmpCapsule.TryWrite(f);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(16), 0x20);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(24), (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(f.Slice(0x20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(f.Slice(0x26), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(f.Slice(0x28), 0x10);
        Span<byte> image = f.Slice(0x30);
        BinaryPrimitives.WriteUInt32LittleEndian(image, imageHeaderVersion);
        ImageType.CopyTo(image.Slice(4));
        image[20] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(image.Slice(24), (uint)updateImageSize);
        if (imageHeaderVersion >= 3)
        {
            ulong support = FmpImageHeader.CapsuleSupportAuthentication | (dependency.Length > 0 ? FmpImageHeader.CapsuleSupportDependency : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(image.Slice(40), support);
        }
        Span<byte> auth = image.Slice(imageHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(auth.Slice(8), (uint)certLength);
        BinaryPrimitives.WriteUInt16LittleEndian(auth.Slice(12), 0x0200);
        BinaryPrimitives.WriteUInt16LittleEndian(auth.Slice(14), 0x0EF1);
        certType.TryWrite(auth.Slice(16));
        certData.CopyTo(auth.Slice(32));
        signedPart.CopyTo(auth.Slice(8 + certLength));
        return file;
    }

    /// <summary>EFI_CERT_BLOCK_RSA_2048_SHA256: HashType, modulus, signature.</summary>
    private static byte[] Rsa2048CertData(RSA rsa, byte[] toSign)
    {
        byte[] block = new byte[16 + 256 + 256];
        CapsuleGuids.HashAlgorithmSha256.TryWrite(block);
        rsa.ExportParameters(false).Modulus!.CopyTo(block, 16);
        rsa.SignData(toSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CopyTo(block, 16 + 256);
        return block;
    }

    private static byte[] Pkcs7CertData(Chain chain, byte[] toSign, bool signedAttributes)
    {
        var cms = new SignedCms(new ContentInfo(toSign), detached: true);
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, chain.Signer)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        foreach (X509Certificate2 intermediate in chain.Intermediates) cmsSigner.Certificates.Add(intermediate);
        foreach (X509Certificate2 extra in chain.Extra) cmsSigner.Certificates.Add(extra);
        if (signedAttributes) cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        cms.ComputeSignature(cmsSigner);
        return cms.Encode();
    }

    /// <summary>PUSH_VERSION 0x00010000, PUSH_GUID (own type), GTE, END: "installed version at least 1.0".</summary>
    private static byte[] Dependency()
    {
        byte[] expression = new byte[1 + 4 + 1 + 16 + 1 + 1];
        expression[0] = FirmwareImageDependency.PushVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(expression.AsSpan(1), 0x0001_0000);
        expression[5] = FirmwareImageDependency.PushGuid;
        ImageType.CopyTo(expression, 6);
        expression[22] = FirmwareImageDependency.GreaterOrEqual;
        expression[23] = FirmwareImageDependency.End;
        return expression;
    }

    /// <summary>Root → <c>n</c> intermediates → signer (with its private key), all RSA-2048.</summary>
    private sealed class Chain : IDisposable
    {
        public X509Certificate2 Root { get; private set; } = null!;
        public List<X509Certificate2> Intermediates { get; } = new List<X509Certificate2>();
        public X509Certificate2 Signer { get; private set; } = null!;
        /// <summary>More certificates for the CMS (not part of the path).</summary>
        public List<X509Certificate2> Extra { get; } = new List<X509Certificate2>();

        /// <param name="pathLength">pathLenConstraint of the first intermediate (below the root), or none.</param>
        public static Chain Make(int intermediates, int? pathLength)
        {
            DateTimeOffset from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var chain = new Chain();
            using RSA rootKey = RSA.Create(2048);
            chain.Root = Request("CN=Fuzz Seed Root", rootKey, true, null).CreateSelfSigned(from, from.AddYears(20));
            X509Certificate2 issuer = chain.Root;
            for (int i = 0; i < intermediates; i++)
            {
                using RSA key = RSA.Create(2048);
                using X509Certificate2 issued = Request("CN=Fuzz Seed Intermediate " + i, key, true, i == 0 ? pathLength : null)
                    .Create(issuer, from, from.AddYears(10), new byte[] { (byte)(2 + i) });
                X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
                chain.Intermediates.Add(withKey);
                issuer = withKey;
            }
            using RSA signerKey = RSA.Create(2048);
            using X509Certificate2 signer = Request("CN=Fuzz Seed Signer", signerKey, false, null).Create(issuer, from, from.AddYears(5), new byte[] { 0x40 });
            chain.Signer = signer.CopyWithPrivateKey(signerKey);
            return chain;
        }

        public void Dispose()
        {
            Root.Dispose();
            foreach (X509Certificate2 certificate in Intermediates) certificate.Dispose();
            Signer.Dispose();
        }
    }

    private static CertificateRequest Request(string subject, RSA key, bool ca, int? pathLength)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, pathLength.HasValue, pathLength ?? 0, true));
        if (ca) request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request;
    }
}
