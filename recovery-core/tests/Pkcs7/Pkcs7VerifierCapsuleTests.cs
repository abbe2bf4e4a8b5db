using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Image.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// The EDK2 PKCS7 capsules (vectors/edk2-capsules/pkcs7, made by GenerateCapsule.py) against the
/// verdicts in that folder's README.txt and dumps/*.pkcs7-verify.txt (openssl cms -verify with
/// EDK2's -partial_chain -no_check_time -purpose any).
/// </summary>
public class Pkcs7VerifierCapsuleTests
{
    [Theory]
    [InlineData(EdkCapsuleVectors.CapsuleA)]
    [InlineData(EdkCapsuleVectors.CapsuleB)]
    public void Verify_EdkTestChainCapsule_AcceptedAgainstTestRoot(string capsuleName)
    {
        byte[] capsule = EdkCapsuleVectors.Read(capsuleName);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(Pkcs7Failure.None, result.Failure);
        Assert.True(result.IsVerified);
    }

    [Fact]
    public void Verify_TamperedPayloadC_RejectedAsDigestMismatch()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleC);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(Pkcs7Failure.ContentDigestMismatch, result.Failure);
        Assert.False(result.IsVerified);
    }

    [Fact]
    public void Verify_UntrustedChainD_RejectedAgainstTestRoot()
    {
        // openssl: "self-signed certificate in certificate chain" — D carries UntrustedSigner and UntrustedRoot.
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleD);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(Pkcs7Failure.UntrustedRoot, result.Failure);
    }

    [Fact]
    public void Verify_UntrustedChainD_AcceptedAgainstUntrustedRoot()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleD);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.UntrustedRootDer);
        Assert.Equal(Pkcs7Failure.None, result.Failure);
    }

    [Theory]
    [InlineData(EdkCapsuleVectors.CapsuleA)]
    [InlineData(EdkCapsuleVectors.CapsuleB)]
    public void Verify_TestChainCapsule_RejectedAgainstUntrustedRoot(string capsuleName)
    {
        byte[] capsule = EdkCapsuleVectors.Read(capsuleName);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.UntrustedRootDer);
        Assert.Equal(Pkcs7Failure.IssuerNotFound, result.Failure);
    }

    [Fact]
    public void Verify_IntermediateAsTrustAnchor_AcceptedLikePartialChain()
    {
        // X509_V_FLAG_PARTIAL_CHAIN: a trusted intermediate ends the path (openssl -partial_chain behaves the same).
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] testSub = EdkCapsuleVectors.PemCertificateDer("keys/edk2-pkcs7-test/TestSub.pub.pem");
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), testSub);
        Assert.Equal(Pkcs7Failure.None, result.Failure);
    }

    [Fact]
    public void Verify_OtherCapsulesDigest_RejectedAsDigestMismatch()
    {
        byte[] a = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] b = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleB);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(a), EdkCapsuleVectors.SignedContentDigest(b), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(Pkcs7Failure.ContentDigestMismatch, result.Failure);
    }

    [Fact]
    public void Verify_ShortDigest_Rejected()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule).AsSpan(0, 31), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(Pkcs7Failure.InvalidDigestLength, result.Failure);
    }

    [Fact]
    public void Verify_TrustedRootWithTrailingByte_RejectedAsMalformedRoot()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] root = EdkCapsuleVectors.TestRootDer;
        byte[] padded = new byte[root.Length + 1];
        root.CopyTo(padded, 0);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(
            EdkCapsuleVectors.CertData(capsule), EdkCapsuleVectors.SignedContentDigest(capsule), padded);
        Assert.Equal(Pkcs7Failure.MalformedTrustedRoot, result.Failure);
    }

    [Fact]
    public void Verify_EveryTruncationOfCertData_Rejected()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] certData = EdkCapsuleVectors.CertData(capsule);
        byte[] digest = EdkCapsuleVectors.SignedContentDigest(capsule);
        byte[] root = EdkCapsuleVectors.TestRootDer;
        for (int length = 0; length < certData.Length; length++)
        {
            Pkcs7VerifyResult result = Pkcs7Verifier.Verify(certData.AsSpan(0, length), digest, root);
            Assert.False(result.IsVerified);
            Assert.Equal(Pkcs7Failure.MalformedContentInfo, result.Failure);
        }
    }

    [Fact]
    public void Verify_TrailingByteAfterContentInfo_Rejected()
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] certData = EdkCapsuleVectors.CertData(capsule);
        byte[] padded = new byte[certData.Length + 1];
        certData.CopyTo(padded, 0);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(padded, EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(Pkcs7Failure.MalformedContentInfo, result.Failure);
    }

    [Theory]
    // SignerInfo.signatureAlgorithm is not signed: OpenSSL writes rsaEncryption (…01 01 01); the
    // equivalent sha256WithRSAEncryption (…01 01 0B) must verify too, anything else is refused.
    [InlineData(0x0B, Pkcs7Failure.None)]
    [InlineData(0x05, Pkcs7Failure.UnsupportedSignatureAlgorithm)] // sha1WithRSAEncryption
    [InlineData(0x0D, Pkcs7Failure.UnsupportedSignatureAlgorithm)] // sha512WithRSAEncryption
    public void Verify_SignerInfoSignatureAlgorithmChanged_OnlyRsaSha256Accepted(byte lastOidByte, Pkcs7Failure expected)
    {
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] certData = EdkCapsuleVectors.CertData(capsule);
        byte[] rsaEncryption = Convert.FromHexString("06092A864886F70D010101");
        int at = certData.AsSpan().LastIndexOf(rsaEncryption); // the certificates come before the SignerInfo
        Assert.True(at > certData.Length - 400);
        certData[at + rsaEncryption.Length - 1] = lastOidByte;
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(certData, EdkCapsuleVectors.SignedContentDigest(capsule), EdkCapsuleVectors.TestRootDer);
        Assert.Equal(expected, result.Failure);
    }

    [Theory]
    [InlineData(EdkCapsuleVectors.CapsuleA, Pkcs7Failure.None)]
    [InlineData(EdkCapsuleVectors.CapsuleB, Pkcs7Failure.None)]
    [InlineData(EdkCapsuleVectors.CapsuleC, Pkcs7Failure.ContentDigestMismatch)]
    [InlineData(EdkCapsuleVectors.CapsuleD, Pkcs7Failure.UntrustedRoot)]
    public void Verify_ThroughCapsuleParser_SameCertDataAndVerdict(string capsuleName, Pkcs7Failure expected)
    {
        // Cross-check of the documented offsets used above against the capsule parser (recovery-core/src/Image).
        byte[] file = EdkCapsuleVectors.Read(capsuleName);
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(file, out FmpCapsule capsule));
        Assert.True(capsule.Authentication.IsPkcs7);
        Assert.Equal(EdkCapsuleVectors.CertData(file), capsule.CertificateData.ToArray());

        byte[] signed = new byte[capsule.SignedData.Length + 8];
        capsule.SignedData.CopyTo(signed);
        BinaryPrimitives.WriteUInt64LittleEndian(signed.AsSpan(capsule.SignedData.Length), capsule.Authentication.MonotonicCount);
        byte[] digest = SHA256.HashData(signed);
        Assert.Equal(EdkCapsuleVectors.SignedContentDigest(file), digest);
        Assert.Equal(expected, Pkcs7Verifier.Verify(capsule.CertificateData, digest, EdkCapsuleVectors.TestRootDer).Failure);
    }

    [Fact]
    public void Message_EveryFailure_IsFixedText()
    {
        foreach (Pkcs7Failure failure in Enum.GetValues<Pkcs7Failure>())
        {
            string message = Pkcs7FailureMessages.For(failure);
            Assert.False(string.IsNullOrEmpty(message));
            Assert.NotEqual("PKCS7: unknown failure", message);
        }
    }
}
