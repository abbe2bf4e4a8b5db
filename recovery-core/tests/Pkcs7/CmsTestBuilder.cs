using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// Host-only builders for CMS and certificate variants, made with the BCL's SignedCms and
/// CertificateRequest (an independent encoder), signed with the public EDK2 test key (TestCert.pem)
/// or the untrusted test root's key, so every variant has a real, checkable signature.
/// </summary>
internal static class CmsTestBuilder
{
    public static readonly byte[] Content = BuildContent();

    public static byte[] ContentDigest => SHA256.HashData(Content);

    private static readonly RSA?[] KeyPool = new RSA?[8];

    /// <summary>Shared 2048-bit test keys (generation is slow; each index is one distinct key).</summary>
    public static RSA Key(int index)
    {
        lock (KeyPool)
        {
            return KeyPool[index] ??= RSA.Create(2048);
        }
    }

    public static X509Certificate2 TestCertWithKey()
    {
        string pem = File.ReadAllText(Path.Combine(EdkCapsuleVectors.Root, "keys/edk2-pkcs7-test/TestCert.pem"));
        return X509Certificate2.CreateFromPem(pem, pem);
    }

    public static X509Certificate2 TestSub()
        => X509CertificateLoader.LoadCertificate(EdkCapsuleVectors.PemCertificateDer("keys/edk2-pkcs7-test/TestSub.pub.pem"));

    public static X509Certificate2 TestRoot()
        => X509CertificateLoader.LoadCertificate(EdkCapsuleVectors.TestRootDer);

    public static X509Certificate2 UntrustedRootWithKey()
    {
        string certificate = File.ReadAllText(Path.Combine(EdkCapsuleVectors.Root, "keys/untrusted-pkcs7/UntrustedRoot.pub.pem"));
        string key = File.ReadAllText(Path.Combine(EdkCapsuleVectors.Root, "keys/untrusted-pkcs7/UntrustedRoot.key.pem"));
        return X509Certificate2.CreateFromPem(certificate, key);
    }

    /// <summary>A detached (by default) CMS SignedData over <see cref="Content"/>.</summary>
    public static byte[] Sign(
        X509Certificate2 signerWithKey,
        X509Certificate2[] extraCertificates,
        Action<CmsSigner>? configure = null,
        bool detached = true,
        SubjectIdentifierType identifier = SubjectIdentifierType.IssuerAndSerialNumber,
        bool signedAttributes = true)
    {
        SignedCms cms = new SignedCms(new ContentInfo(Content), detached);
        CmsSigner signer = new CmsSigner(identifier, signerWithKey)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        if (signedAttributes)
        {
            // SignedCms adds content-type and message-digest only when some signed attribute is present
            // (otherwise it signs the content digest directly), so add signingTime like openssl smime does.
            signer.SignedAttributes.Add(new Pkcs9SigningTime(new DateTime(2026, 11, 20, 23, 55, 27, DateTimeKind.Utc)));
        }
        foreach (X509Certificate2 extra in extraCertificates)
        {
            signer.Certificates.Add(extra);
        }
        configure?.Invoke(signer);
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>
    /// A certificate for <paramref name="subjectKey"/> named <paramref name="subject"/>, signed by
    /// <paramref name="issuerKey"/> under <paramref name="issuerName"/> (which need not be truthful).
    /// </summary>
    public static X509Certificate2 Issue(
        string subject,
        RSA subjectKey,
        X500DistinguishedName issuerName,
        RSA issuerKey,
        long serial,
        bool? certificateAuthority,
        int? pathLength = null,
        X509KeyUsageFlags? keyUsage = null,
        X509Extension? extraExtension = null,
        HashAlgorithmName? hash = null)
        => Issue(new X500DistinguishedName(subject), subjectKey, issuerName, issuerKey, serial, certificateAuthority, pathLength, keyUsage, extraExtension, hash);

    public static X509Certificate2 Issue(
        X500DistinguishedName subject,
        RSA subjectKey,
        X500DistinguishedName issuerName,
        RSA issuerKey,
        long serial,
        bool? certificateAuthority,
        int? pathLength = null,
        X509KeyUsageFlags? keyUsage = null,
        X509Extension? extraExtension = null,
        HashAlgorithmName? hash = null)
    {
        CertificateRequest request = new CertificateRequest(
            subject, subjectKey, hash ?? HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (certificateAuthority.HasValue)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(
                certificateAuthority.Value, pathLength.HasValue, pathLength ?? 0, critical: true));
        }
        if (keyUsage.HasValue)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage.Value, critical: true));
        }
        if (extraExtension is not null)
        {
            request.CertificateExtensions.Add(extraExtension);
        }
        byte[] serialBytes = BitConverter.GetBytes(serial);
        Array.Reverse(serialBytes);
        X509Certificate2 certificate = request.Create(
            issuerName,
            X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1),
            new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero),
            serialBytes.AsSpan().TrimStart((byte)0).ToArray());
        return certificate.CopyWithPrivateKey(subjectKey);
    }

    private static byte[] BuildContent()
    {
        // Shaped like FMP signed data: 'MSS1' payload header, a payload, UINT64 MonotonicCount.
        byte[] content = new byte[16 + 1000 + 8];
        "MSS1"u8.CopyTo(content);
        content[4] = 0x10;
        for (int i = 16; i < 1016; i++)
        {
            content[i] = (byte)(i * 7);
        }
        return content;
    }
}
