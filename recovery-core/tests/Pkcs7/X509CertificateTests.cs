using System;
using System.Formats.Asn1;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using UefiRecovery.Core.Image.Pkcs7;
using X509Certificate = UefiRecovery.Core.Image.Pkcs7.X509Certificate;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// The portable X.509 parser cross-checked field by field against .NET's X509Certificate2 and
/// System.Formats.Asn1 (host only) on the EDK2 test chain and the untrusted chain.
/// </summary>
public class X509CertificateTests
{
    public static TheoryData<string> Certificates => new TheoryData<string>
    {
        "keys/edk2-pkcs7-test/TestRoot.cer",
        "keys/edk2-pkcs7-test/TestRoot.pub.pem",
        "keys/edk2-pkcs7-test/TestSub.pub.pem",
        "keys/edk2-pkcs7-test/TestCert.pub.pem",
        "keys/untrusted-pkcs7/UntrustedRoot.pub.pem",
        "keys/untrusted-pkcs7/UntrustedSigner.pub.pem",
    };

    private static byte[] Load(string relative)
        => relative.EndsWith(".cer", StringComparison.Ordinal)
            ? EdkCapsuleVectors.Read(relative)
            : EdkCapsuleVectors.PemCertificateDer(relative);

    [Theory]
    [MemberData(nameof(Certificates))]
    public void TryParse_RealCertificate_MatchesX509Certificate2(string relative)
    {
        byte[] der = Load(relative);
        using X509Certificate2 reference = X509CertificateLoader.LoadCertificate(der);

        Assert.Equal(X509Status.Ok, X509Certificate.TryParse(der, out X509Certificate parsed, out int consumed));
        Assert.Equal(der.Length, consumed);
        Assert.Equal(der, parsed.Encoded.ToArray());
        Assert.Equal(reference.Version, parsed.Version);
        Assert.Equal(reference.SerialNumberBytes.ToArray(), parsed.SerialNumber.ToArray());
        Assert.Equal(reference.IssuerName.RawData, parsed.IssuerEncoded.ToArray());
        Assert.Equal(reference.SubjectName.RawData, parsed.SubjectEncoded.ToArray());
        Assert.Equal("1.2.840.113549.1.1.11", reference.SignatureAlgorithm.Value);
        Assert.Equal(EncodeOidContent(reference.SignatureAlgorithm.Value!), parsed.SignatureAlgorithmOid.ToArray());

        using RSA rsa = reference.GetRSAPublicKey()!;
        RSAParameters parameters = rsa.ExportParameters(false);
        Assert.Equal(parameters.Modulus, parsed.RsaModulus.ToArray());
        Assert.Equal(parameters.Exponent, parsed.RsaExponent.ToArray());

        X509BasicConstraintsExtension? basic = reference.Extensions.OfType<X509BasicConstraintsExtension>().SingleOrDefault();
        Assert.Equal(basic is not null, parsed.HasBasicConstraints);
        Assert.Equal(basic?.CertificateAuthority ?? false, parsed.IsCertificateAuthority);
        Assert.Equal(basic is not null && basic.HasPathLengthConstraint ? basic.PathLengthConstraint : -1, parsed.PathLengthConstraint);

        X509KeyUsageExtension? keyUsage = reference.Extensions.OfType<X509KeyUsageExtension>().SingleOrDefault();
        Assert.Equal(keyUsage is not null, parsed.HasKeyUsage);
        Assert.Equal(keyUsage is not null && keyUsage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign), parsed.KeyUsageAllowsCertificateSigning);
        Assert.Equal(reference.SubjectName.RawData.AsSpan().SequenceEqual(reference.IssuerName.RawData), parsed.IsSelfIssued);

        // TBSCertificate and signatureValue, read independently with System.Formats.Asn1.
        AsnReader certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        ReadOnlyMemory<byte> tbs = certificate.ReadEncodedValue();
        certificate.ReadSequence();
        byte[] signature = certificate.ReadBitString(out int unusedBits);
        Assert.Equal(0, unusedBits);
        Assert.Equal(tbs.ToArray(), parsed.TbsEncoded.ToArray());
        Assert.Equal(signature, parsed.SignatureValue.ToArray());
    }

    [Theory]
    [InlineData("keys/edk2-pkcs7-test/TestSub.pub.pem", "keys/edk2-pkcs7-test/TestRoot.cer")]
    [InlineData("keys/edk2-pkcs7-test/TestCert.pub.pem", "keys/edk2-pkcs7-test/TestSub.pub.pem")]
    [InlineData("keys/untrusted-pkcs7/UntrustedSigner.pub.pem", "keys/untrusted-pkcs7/UntrustedRoot.pub.pem")]
    public void TbsAndSignature_ParsedSpans_VerifyWithBclRsa(string subjectPath, string issuerPath)
    {
        byte[] subjectDer = Load(subjectPath);
        using X509Certificate2 issuer = X509CertificateLoader.LoadCertificate(Load(issuerPath));
        Assert.Equal(X509Status.Ok, X509Certificate.TryParse(subjectDer, out X509Certificate subject, out _));
        using RSA issuerKey = issuer.GetRSAPublicKey()!;
        Assert.True(issuerKey.VerifyData(subject.TbsEncoded, subject.SignatureValue, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static byte[] EncodeOidContent(string oid)
    {
        AsnWriter writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        byte[] encoded = writer.Encode();
        return encoded.AsSpan(2).ToArray();
    }
}
