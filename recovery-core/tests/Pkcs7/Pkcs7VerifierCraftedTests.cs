using System;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using UefiRecovery.Core.Image.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// CMS and chain variants built at run time with the BCL (SignedCms, CertificateRequest) and real
/// keys: each one isolates one rule of <see cref="Pkcs7Verifier"/>.
/// </summary>
public class Pkcs7VerifierCraftedTests
{
    private static readonly byte[] TestRootDer = EdkCapsuleVectors.TestRootDer;

    private static Pkcs7Failure VerifyAgainstTestRoot(byte[] certData)
        => Pkcs7Verifier.Verify(certData, CmsTestBuilder.ContentDigest, TestRootDer).Failure;

    [Fact]
    public void Verify_BclSignedCmsWithTestChain_Accepted()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() });
        Assert.Equal(Pkcs7Failure.None, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_RootAlsoCarriedInCms_Accepted()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestRoot(), CmsTestBuilder.TestSub() });
        Assert.Equal(Pkcs7Failure.None, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_NoSignedAttributes_SignatureOverContentDigestAccepted()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() });
        SignedCms decoded = new SignedCms(new ContentInfo(CmsTestBuilder.Content), detached: true);
        decoded.Decode(cms);
        Assert.NotEmpty(decoded.SignerInfos[0].SignedAttributes);

        byte[] bare = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() }, signedAttributes: false);
        decoded.Decode(bare);
        Assert.Empty(decoded.SignerInfos[0].SignedAttributes);
        Assert.Equal(Pkcs7Failure.None, VerifyAgainstTestRoot(bare));

        byte[] otherDigest = SHA256.HashData(new byte[] { 1 });
        Assert.Equal(Pkcs7Failure.SignerSignatureInvalid, Pkcs7Verifier.Verify(bare, otherDigest, TestRootDer).Failure);
    }

    [Theory]
    [InlineData(100, Pkcs7Failure.None)]
    [InlineData(5000, Pkcs7Failure.SignedAttributesTooLarge)] // over RetaggedSha256.MaxEncodedLength
    public void Verify_ExtraSignedAttribute_HashedOrRefusedBySize(int size, Pkcs7Failure expected)
    {
        byte[] value = new byte[4 + size];
        value[0] = 0x04;
        value[1] = 0x82;
        value[2] = (byte)(size >> 8);
        value[3] = (byte)size;
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() },
            s => s.SignedAttributes.Add(new AsnEncodedData(new Oid("1.3.6.1.4.1.99999.2"), size < 0x100 ? ShortForm(size) : value)));
        Assert.Equal(expected, VerifyAgainstTestRoot(cms));

        static byte[] ShortForm(int length)
        {
            byte[] der = new byte[3 + length];
            der[0] = 0x04;
            der[1] = 0x81;
            der[2] = (byte)length;
            return length < 0x80 ? ShortestForm(length) : der;
        }

        static byte[] ShortestForm(int length)
        {
            byte[] der = new byte[2 + length];
            der[0] = 0x04;
            der[1] = (byte)length;
            return der;
        }
    }

    [Fact]
    public void Verify_Sha384Digest_RejectedAsUnsupportedDigest()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() }, s => s.DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.2"));
        Assert.Equal(Pkcs7Failure.UnsupportedDigestAlgorithm, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_SubjectKeyIdentifierSigner_RejectedAsVersion3()
    {
        // RFC 5652 5.1: a subjectKeyIdentifier sid makes SignedData version 3.
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() }, identifier: SubjectIdentifierType.SubjectKeyIdentifier);
        Assert.Equal(Pkcs7Failure.UnsupportedVersion, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_EmbeddedContent_Rejected()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, new[] { CmsTestBuilder.TestSub() }, detached: false);
        Assert.Equal(Pkcs7Failure.EmbeddedContentPresent, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_TwoSigners_Rejected()
    {
        using X509Certificate2 first = CmsTestBuilder.TestCertWithKey();
        using X509Certificate2 second = CmsTestBuilder.UntrustedRootWithKey();
        SignedCms cms = new SignedCms(new ContentInfo(CmsTestBuilder.Content), detached: true);
        cms.ComputeSignature(new CmsSigner(first) { IncludeOption = X509IncludeOption.EndCertOnly }, silent: true);
        cms.ComputeSignature(new CmsSigner(second) { IncludeOption = X509IncludeOption.EndCertOnly }, silent: true);
        Assert.Equal(Pkcs7Failure.SignerCountNotOne, VerifyAgainstTestRoot(cms.Encode()));
    }

    [Fact]
    public void Verify_IntermediateMissing_RejectedIssuerNotFound()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        byte[] cms = CmsTestBuilder.Sign(signer, Array.Empty<X509Certificate2>());
        Assert.Equal(Pkcs7Failure.IssuerNotFound, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_SignerCertificateSwappedForSameIssuerAndSerial_RejectedSignerSignatureInvalid()
    {
        // The CMS is signed with the real TestCert key, but the only certificate matching the sid
        // (TestSub issuer, serial 4099) carries an attacker's key.
        using X509Certificate2 real = CmsTestBuilder.TestCertWithKey();
        RSA attackerKey = CmsTestBuilder.Key(1);
        using X509Certificate2 forged = CmsTestBuilder.Issue(
            real.Subject, attackerKey, real.IssuerName, attackerKey, 4099, certificateAuthority: false);
        byte[] cms = CmsTestBuilder.Sign(real, new[] { CmsTestBuilder.TestSub() }, s => s.IncludeOption = X509IncludeOption.None);
        byte[] withForged = ReplaceCertificates(cms, forged, CmsTestBuilder.TestSub());
        Assert.Equal(Pkcs7Failure.SignerSignatureInvalid, VerifyAgainstTestRoot(withForged));
    }

    [Fact]
    public void Verify_ForgedSignerCertificateClaimingTestSubIssuer_RejectedCertificateSignatureInvalid()
    {
        // An attacker signs with their own key and a self-made certificate that names TestSub as issuer.
        using X509Certificate2 real = CmsTestBuilder.TestCertWithKey();
        RSA attackerKey = CmsTestBuilder.Key(1);
        using X509Certificate2 forged = CmsTestBuilder.Issue(
            real.Subject, attackerKey, real.IssuerName, attackerKey, 4099, certificateAuthority: false);
        byte[] cms = CmsTestBuilder.Sign(forged, new[] { CmsTestBuilder.TestSub() });
        Assert.Equal(Pkcs7Failure.CertificateSignatureInvalid, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_ForgedCertificateClaimingTestRootIssuer_RejectedCertificateSignatureInvalid()
    {
        RSA attackerKey = CmsTestBuilder.Key(1);
        using X509Certificate2 testRoot = CmsTestBuilder.TestRoot();
        using X509Certificate2 forged = CmsTestBuilder.Issue(
            "CN=Attacker", attackerKey, testRoot.SubjectName, attackerKey, 7, certificateAuthority: false);
        byte[] cms = CmsTestBuilder.Sign(forged, Array.Empty<X509Certificate2>());
        Assert.Equal(Pkcs7Failure.CertificateSignatureInvalid, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_FakeRootWithTrustedRootsName_RejectedUntrustedRoot()
    {
        // A self-signed impostor carrying the trusted root's exact subject Name, plus a leaf under it.
        RSA fakeRootKey = CmsTestBuilder.Key(2);
        RSA leafKey = CmsTestBuilder.Key(3);
        using X509Certificate2 testRoot = CmsTestBuilder.TestRoot();
        using X509Certificate2 fakeRoot = CmsTestBuilder.Issue(
            testRoot.SubjectName, fakeRootKey, testRoot.SubjectName, fakeRootKey, 1, certificateAuthority: true);
        Assert.Equal(testRoot.SubjectName.RawData, fakeRoot.SubjectName.RawData);
        using X509Certificate2 leaf = CmsTestBuilder.Issue("CN=Leaf", leafKey, fakeRoot.SubjectName, fakeRootKey, 2, certificateAuthority: false);
        byte[] cms = CmsTestBuilder.Sign(leaf, new[] { fakeRoot });
        Assert.Equal(Pkcs7Failure.UntrustedRoot, VerifyAgainstTestRoot(cms));
    }

    [Fact]
    public void Verify_CertificateOrderSwapped_StillAccepted()
    {
        // Capsule A carries TestSub then TestCert; the reverse order must verify too.
        byte[] capsule = EdkCapsuleVectors.Read(EdkCapsuleVectors.CapsuleA);
        byte[] certData = EdkCapsuleVectors.CertData(capsule);
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        using X509Certificate2 sub = CmsTestBuilder.TestSub();
        Assert.True(certData.AsSpan().IndexOf(sub.RawData) < certData.AsSpan().IndexOf(signer.RawData));
        byte[] reordered = ReorderCertificates(certData, signer.RawData, sub.RawData);
        Assert.NotEqual(certData, reordered);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(reordered, EdkCapsuleVectors.SignedContentDigest(capsule), TestRootDer);
        Assert.Equal(Pkcs7Failure.None, result.Failure);
    }

    [Fact]
    public void Verify_FirstIssuerCandidateNotCa_SecondCandidateUsed()
    {
        // Two certificates share the issuer's name and key; only the second is a CA. The first one
        // verifies the leaf's signature but may not issue, so the search must go on to the second.
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        RSA issuerKey = CmsTestBuilder.Key(5);
        using X509Certificate2 notCa = CmsTestBuilder.Issue("CN=Issuer", issuerKey, root.SubjectName, root.GetRSAPrivateKey()!, 200, certificateAuthority: false);
        using X509Certificate2 ca = CmsTestBuilder.Issue("CN=Issuer", issuerKey, root.SubjectName, root.GetRSAPrivateKey()!, 201, certificateAuthority: true);
        using X509Certificate2 leaf = CmsTestBuilder.Issue("CN=Leaf", CmsTestBuilder.Key(3), notCa.SubjectName, issuerKey, 202, certificateAuthority: false);
        byte[] cms = CmsTestBuilder.Sign(leaf, new[] { notCa, ca });
        foreach (byte[][] order in new[] { new[] { notCa.RawData, ca.RawData, leaf.RawData }, new[] { ca.RawData, notCa.RawData, leaf.RawData } })
        {
            byte[] reordered = ReorderCertificates(cms, order);
            Assert.Equal(Pkcs7Failure.None, Pkcs7Verifier.Verify(reordered, CmsTestBuilder.ContentDigest, root.RawData).Failure);
        }

        byte[] onlyNotCa = CmsTestBuilder.Sign(leaf, new[] { notCa });
        Assert.Equal(Pkcs7Failure.IssuerNotCertificateAuthority, Pkcs7Verifier.Verify(onlyNotCa, CmsTestBuilder.ContentDigest, root.RawData).Failure);
    }

    /// <summary>
    /// Rewrites the contiguous run of certificates inside a DER CMS in the given order (same total
    /// length, so no enclosing length changes). Every certificate must occur in the CMS.
    /// </summary>
    private static byte[] ReorderCertificates(byte[] cms, params byte[][] order)
    {
        int start = int.MaxValue;
        int end = 0;
        int total = 0;
        foreach (byte[] certificate in order)
        {
            int at = cms.AsSpan().IndexOf(certificate);
            Assert.True(at >= 0, "certificate not in the CMS");
            start = Math.Min(start, at);
            end = Math.Max(end, at + certificate.Length);
            total += certificate.Length;
        }
        Assert.Equal(end - start, total);
        byte[] result = (byte[])cms.Clone();
        int offset = start;
        foreach (byte[] certificate in order)
        {
            certificate.CopyTo(result, offset);
            offset += certificate.Length;
        }
        return result;
    }

    [Fact]
    public void Verify_TooManyCertificates_Rejected()
    {
        using X509Certificate2 signer = CmsTestBuilder.TestCertWithKey();
        // Distinct certificates (SignedCms drops duplicates): the signer plus MaxCertificates others.
        X509Certificate2[] many = new X509Certificate2[Pkcs7Verifier.MaxCertificates];
        many[0] = CmsTestBuilder.TestSub();
        for (int i = 1; i < many.Length; i++)
        {
            many[i] = CmsTestBuilder.Issue("CN=Filler " + i, CmsTestBuilder.Key(0), new X500DistinguishedName("CN=Filler"), CmsTestBuilder.Key(0), i, certificateAuthority: false);
        }
        byte[] cms = CmsTestBuilder.Sign(signer, many);
        Assert.Equal(Pkcs7Failure.TooManyCertificates, VerifyAgainstTestRoot(cms));
    }

    // Chains under the untrusted test root (whose private key is in the vectors) as trust anchor.

    private static Pkcs7Failure VerifyChain(X509Certificate2 leafWithKey, params X509Certificate2[] intermediates)
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        byte[] cms = CmsTestBuilder.Sign(leafWithKey, intermediates);
        return Pkcs7Verifier.Verify(cms, CmsTestBuilder.ContentDigest, root.RawData).Failure;
    }

    /// <summary>root → intermediates[0] → ... → leaf, each intermediate configured by <paramref name="intermediate"/>.</summary>
    private static X509Certificate2[] BuildChain(int intermediateCount, Func<int, string, RSA, X500DistinguishedName, RSA, X509Certificate2> intermediate, out X509Certificate2 leaf)
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        X500DistinguishedName issuerName = root.SubjectName;
        RSA issuerKey = root.GetRSAPrivateKey()!;
        X509Certificate2[] chain = new X509Certificate2[intermediateCount];
        for (int i = 0; i < intermediateCount; i++)
        {
            RSA key = CmsTestBuilder.Key(4 + i);
            chain[i] = intermediate(i, "CN=Intermediate " + i, key, issuerName, issuerKey);
            issuerName = chain[i].SubjectName;
            issuerKey = key;
        }
        leaf = CmsTestBuilder.Issue("CN=Leaf", CmsTestBuilder.Key(3), issuerName, issuerKey, 1000, certificateAuthority: false);
        return chain;
    }

    private static X509Certificate2 CaIntermediate(int index, string name, RSA key, X500DistinguishedName issuer, RSA issuerKey)
        => CmsTestBuilder.Issue(name, key, issuer, issuerKey, 100 + index, certificateAuthority: true, keyUsage: X509KeyUsageFlags.KeyCertSign);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Verify_ChainWithinDepthLimit_Accepted(int intermediates)
    {
        X509Certificate2[] chain = BuildChain(intermediates, CaIntermediate, out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.None, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_ChainWithFourIntermediates_RejectedTooLong()
    {
        X509Certificate2[] chain = BuildChain(Pkcs7Verifier.MaxChainIssuers, CaIntermediate, out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.ChainTooLong, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_IntermediateNotCa_Rejected()
    {
        X509Certificate2[] chain = BuildChain(1, (i, name, key, issuer, issuerKey)
            => CmsTestBuilder.Issue(name, key, issuer, issuerKey, 100, certificateAuthority: false), out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.IssuerNotCertificateAuthority, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_IntermediateWithoutBasicConstraints_Rejected()
    {
        X509Certificate2[] chain = BuildChain(1, (i, name, key, issuer, issuerKey)
            => CmsTestBuilder.Issue(name, key, issuer, issuerKey, 100, certificateAuthority: null), out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.IssuerNotCertificateAuthority, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_IntermediateKeyUsageWithoutCertSign_Rejected()
    {
        X509Certificate2[] chain = BuildChain(1, (i, name, key, issuer, issuerKey)
            => CmsTestBuilder.Issue(name, key, issuer, issuerKey, 100, certificateAuthority: true, keyUsage: X509KeyUsageFlags.DigitalSignature), out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.IssuerNotCertificateAuthority, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_PathLengthConstraintExceeded_Rejected()
    {
        // root → I0 (pathLen 0) → I1 → leaf: I0 has one intermediate (I1) below it.
        X509Certificate2[] chain = BuildChain(2, (i, name, key, issuer, issuerKey)
            => CmsTestBuilder.Issue(name, key, issuer, issuerKey, 100 + i, certificateAuthority: true, pathLength: i == 0 ? 0 : null), out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.PathLengthExceeded, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_PathLengthZeroDirectlyAboveLeaf_Accepted()
    {
        X509Certificate2[] chain = BuildChain(1, (i, name, key, issuer, issuerKey)
            => CmsTestBuilder.Issue(name, key, issuer, issuerKey, 100, certificateAuthority: true, pathLength: 0), out X509Certificate2 leaf);
        Assert.Equal(Pkcs7Failure.None, VerifyChain(leaf, chain));
    }

    [Fact]
    public void Verify_LeafWithUnknownCriticalExtension_RejectedUnsupportedCertificate()
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        X509Extension unknown = new X509Extension("1.3.6.1.4.1.99999.1", new byte[] { 0x05, 0x00 }, critical: true);
        using X509Certificate2 leaf = CmsTestBuilder.Issue("CN=Leaf", CmsTestBuilder.Key(3), root.SubjectName, root.GetRSAPrivateKey()!, 5,
            certificateAuthority: false, extraExtension: unknown);
        byte[] cms = CmsTestBuilder.Sign(leaf, Array.Empty<X509Certificate2>());
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(cms, CmsTestBuilder.ContentDigest, root.RawData);
        Assert.Equal(Pkcs7Failure.UnsupportedCertificate, result.Failure);
        Assert.Equal(X509Status.UnsupportedCriticalExtension, result.CertificateStatus);
    }

    [Fact]
    public void Verify_LeafWithUnknownNonCriticalExtension_Accepted()
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        X509Extension unknown = new X509Extension("1.3.6.1.4.1.99999.1", new byte[] { 0x05, 0x00 }, critical: false);
        using X509Certificate2 leaf = CmsTestBuilder.Issue("CN=Leaf", CmsTestBuilder.Key(3), root.SubjectName, root.GetRSAPrivateKey()!, 5,
            certificateAuthority: false, extraExtension: unknown);
        byte[] cms = CmsTestBuilder.Sign(leaf, Array.Empty<X509Certificate2>());
        Assert.Equal(Pkcs7Failure.None, Pkcs7Verifier.Verify(cms, CmsTestBuilder.ContentDigest, root.RawData).Failure);
    }

    [Fact]
    public void Verify_Leaf1024BitKey_RejectedUnsupportedCertificate()
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        using X509Certificate2 leaf = CmsTestBuilder.Issue("CN=Weak", RSA.Create(1024), root.SubjectName, root.GetRSAPrivateKey()!, 6, certificateAuthority: false);
        byte[] cms = CmsTestBuilder.Sign(leaf, Array.Empty<X509Certificate2>());
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(cms, CmsTestBuilder.ContentDigest, root.RawData);
        Assert.Equal(Pkcs7Failure.UnsupportedCertificate, result.Failure);
        Assert.Equal(X509Status.UnsupportedKeySize, result.CertificateStatus);
    }

    [Fact]
    public void Verify_LeafSignedWithSha384_RejectedUnsupportedCertificate()
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        using X509Certificate2 leaf = CmsTestBuilder.Issue("CN=Leaf", CmsTestBuilder.Key(3), root.SubjectName, root.GetRSAPrivateKey()!, 7,
            certificateAuthority: false, hash: HashAlgorithmName.SHA384);
        byte[] cms = CmsTestBuilder.Sign(leaf, Array.Empty<X509Certificate2>());
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(cms, CmsTestBuilder.ContentDigest, root.RawData);
        Assert.Equal(Pkcs7Failure.UnsupportedCertificate, result.Failure);
        Assert.Equal(X509Status.UnsupportedSignatureAlgorithm, result.CertificateStatus);
    }

    [Fact]
    public void Verify_SignerIsTheTrustedRootItself_Accepted()
    {
        using X509Certificate2 root = CmsTestBuilder.UntrustedRootWithKey();
        byte[] cms = CmsTestBuilder.Sign(root, Array.Empty<X509Certificate2>());
        Assert.Equal(Pkcs7Failure.None, Pkcs7Verifier.Verify(cms, CmsTestBuilder.ContentDigest, root.RawData).Failure);
    }

    /// <summary>Re-encodes a CMS with its certificates replaced by <paramref name="certificates"/>, in that order.</summary>
    private static byte[] ReplaceCertificates(byte[] cms, params X509Certificate2[] certificates)
    {
        SignedCms decoded = new SignedCms(new ContentInfo(CmsTestBuilder.Content), detached: true);
        decoded.Decode(cms);
        foreach (X509Certificate2 existing in decoded.Certificates)
        {
            decoded.RemoveCertificate(existing);
        }
        foreach (X509Certificate2 certificate in certificates)
        {
            decoded.AddCertificate(certificate);
        }
        return decoded.Encode();
    }
}
