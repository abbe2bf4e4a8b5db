using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Math;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;
using UefiRecovery.Core.Image.Pkcs7;
using UefiRecovery.Core.Tests.Crypto;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// The PKCS7 verifier's verdict (<see cref="Pkcs7Verifier"/>) against BouncyCastle's
/// (<see cref="BcPkcs7Reference"/>) on chains and signatures BouncyCastle makes. Every row states both
/// verdicts: rows where they agree also pin the verdict (a generator bug cannot make both "false" pass
/// silently), and the rows where they differ are the documented differences of docs/image-format.md,
/// each with its reason, asserted in both directions.
/// </summary>
public sealed class Pkcs7DifferentialTests
{
    private readonly ITestOutputHelper _output;

    public Pkcs7DifferentialTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>What one row verifies: a detached CMS, the signed content and the trusted root.</summary>
    internal sealed record Material(byte[] CertData, byte[] Content, byte[] Root);

    /// <summary>One row: how to make the material, and the verdict each side must give.</summary>
    internal sealed record Row(string Name, Func<Chain, Material> Make, bool Ours, bool BouncyCastle, string Why = "");

    /// <summary>The keys, names and default three-level chain (root → intermediate → signer) of a row.</summary>
    internal sealed class Chain
    {
        public static readonly byte[] Content = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();

        public AsymmetricCipherKeyPair RootKey { get; } = BcRsa.Key(2048, 101);
        public AsymmetricCipherKeyPair IntermediateKey { get; } = BcRsa.Key(2048, 102);
        public AsymmetricCipherKeyPair SignerKey { get; } = BcRsa.Key(2048, 103);
        public AsymmetricCipherKeyPair OtherKey { get; } = BcRsa.Key(2048, 104);

        public BcPki.CertificateSpec RootSpec { get; }
        public BcPki.CertificateSpec IntermediateSpec { get; }
        public BcPki.CertificateSpec SignerSpec { get; }

        public Chain()
        {
            RootSpec = new BcPki.CertificateSpec { Subject = BcPki.Name("Diff Root"), Key = RootKey, Serial = 1 };
            IntermediateSpec = new BcPki.CertificateSpec
            {
                Subject = BcPki.Name("Diff Intermediate"), Issuer = BcPki.Name("Diff Root"), Key = IntermediateKey, IssuerKey = RootKey, Serial = 2,
            };
            SignerSpec = new BcPki.CertificateSpec
            {
                Subject = BcPki.Name("Diff Signer"), Issuer = BcPki.Name("Diff Intermediate"), Key = SignerKey, IssuerKey = IntermediateKey, Serial = 3,
                CertificateAuthority = false, KeyUsageBits = KeyUsage.DigitalSignature,
            };
        }

        public X509Certificate Root => BcPki.Certificate(RootSpec);
        public X509Certificate Intermediate => BcPki.Certificate(IntermediateSpec);
        public X509Certificate Signer => BcPki.Certificate(SignerSpec);

        /// <summary>The CMS over <see cref="Content"/> by the signer, carrying signer and intermediate, root trusted.</summary>
        public Material Build(bool signedAttributes = true)
            => new Material(BcPki.SignDetached(Content, Signer, SignerKey, new[] { Signer, Intermediate }, signedAttributes), Content, Root.GetEncoded());

        public Material With(IEnumerable<X509Certificate> certificates, X509Certificate? trusted = null)
            => new Material(BcPki.SignDetached(Content, Signer, SignerKey, certificates), Content, (trusted ?? Root).GetEncoded());
    }

    private static readonly DerObjectIdentifier PrivateExtension = new DerObjectIdentifier("1.3.6.1.4.1.55555.1");

    private static readonly Row[] Rows =
    {
        // ---- both accept ----
        new("three-level chain, signed attributes", c => c.Build(), true, true),
        new("three-level chain, no signed attributes (RFC 5652 5.4 direct signature)", c => c.Build(signedAttributes: false), true, true),
        new("two-level chain: the root signs the signer", c =>
        {
            c.SignerSpec.Issuer = BcPki.Name("Diff Root");
            c.SignerSpec.IssuerKey = c.RootKey;
            return c.With(new[] { c.Signer });
        }, true, true),
        new("signer certificate is the trusted root itself", c =>
        {
            X509Certificate self = BcPki.Certificate(new BcPki.CertificateSpec { Subject = BcPki.Name("Diff Self"), Key = c.SignerKey, Serial = 9 });
            return new Material(BcPki.SignDetached(Chain.Content, self, c.SignerKey, new[] { self }), Chain.Content, self.GetEncoded());
        }, true, true),
        new("intermediate as the trust anchor (partial chain)", c => c.With(new[] { c.Signer, c.Intermediate }, c.Intermediate), true, true),
        new("CMS also carries the root", c => c.With(new[] { c.Signer, c.Intermediate, c.Root }), true, true),
        new("certificates in reverse order plus an unrelated one", c =>
        {
            X509Certificate unrelated = BcPki.Certificate(new BcPki.CertificateSpec { Subject = BcPki.Name("Unrelated"), Key = c.OtherKey, Serial = 7 });
            return c.With(new[] { unrelated, c.Intermediate, c.Signer });
        }, true, true),
        new("serial numbers with the top bit set and of 20 octets", c =>
        {
            c.IntermediateSpec.SerialValue = new BigInteger(1, Enumerable.Repeat((byte)0x80, 1).Concat(Enumerable.Repeat((byte)0x11, 19)).ToArray());
            c.SignerSpec.SerialValue = new BigInteger("7f" + new string('e', 38), 16);
            return c.Build();
        }, true, true),
        new("unknown non-critical extension on the signer", c =>
        {
            c.SignerSpec.Extra.Add((PrivateExtension, false, new DerUtf8String("ignored")));
            return c.Build();
        }, true, true),
        new("PrintableString names throughout", c =>
        {
            c.RootSpec.Subject = BcPki.Name("Diff Root", printable: true);
            c.IntermediateSpec.Issuer = BcPki.Name("Diff Root", printable: true);
            c.IntermediateSpec.Subject = BcPki.Name("Diff Intermediate", printable: true);
            c.SignerSpec.Issuer = BcPki.Name("Diff Intermediate", printable: true);
            return c.Build();
        }, true, true),
        new("every certificate expired long ago, periods overlapping", c => Dated(c, new DateTime(2000, 1, 1), new DateTime(2010, 1, 1)), true, true),
        new("every certificate valid only from 2090 (GeneralizedTime)", c => Dated(c, new DateTime(2090, 1, 1), new DateTime(2100, 1, 1)), true, true),
        new("intermediate with pathLenConstraint 0 right above the signer", c =>
        {
            c.IntermediateSpec.PathLength = 0;
            return c.Build();
        }, true, true),
        new("intermediate with basicConstraints and no keyUsage", c =>
        {
            c.IntermediateSpec.KeyUsageBits = null;
            return c.Build();
        }, true, true),

        // ---- both reject ----
        new("signer certificate names an issuer nobody has", c =>
        {
            c.SignerSpec.Issuer = BcPki.Name("Someone Else");
            return c.Build();
        }, false, false),
        new("signer certificate signed by another key than the intermediate's", c =>
        {
            c.SignerSpec.IssuerKey = c.OtherKey;
            return c.Build();
        }, false, false),
        new("intermediate signed by another key than the root's", c =>
        {
            c.IntermediateSpec.IssuerKey = c.OtherKey;
            return c.Build();
        }, false, false),
        new("content changed after signing", c => c.Build() with { Content = Flip(Chain.Content, 100) }, false, false),
        new("content changed after signing, no signed attributes", c => c.Build(signedAttributes: false) with { Content = Flip(Chain.Content, 4095) }, false, false),
        new("last octet of the signature value flipped", c => { Material m = c.Build(); return m with { CertData = Flip(m.CertData, m.CertData.Length - 1) }; }, false, false),
        new("SignerInfo signed with another key than the signer certificate's", c =>
            new Material(BcPki.SignDetached(Chain.Content, c.Signer, c.OtherKey, new[] { c.Signer, c.Intermediate }), Chain.Content, c.Root.GetEncoded()), false, false),
        new("chain leads to another root than the trusted one", c =>
            c.Build() with { Root = BcPki.Certificate(new BcPki.CertificateSpec { Subject = BcPki.Name("Diff Root"), Key = c.OtherKey, Serial = 1 }).GetEncoded() }, false, false),
        new("intermediate has cA=FALSE", c =>
        {
            c.IntermediateSpec.CertificateAuthority = false;
            return c.Build();
        }, false, false),
        new("intermediate has no basicConstraints (v3)", c =>
        {
            c.IntermediateSpec.CertificateAuthority = null;
            return c.Build();
        }, false, false),
        new("intermediate keyUsage without keyCertSign", c =>
        {
            c.IntermediateSpec.KeyUsageBits = KeyUsage.DigitalSignature;
            return c.Build();
        }, false, false),
        new("intermediate pathLenConstraint 0 with a second intermediate below it", c =>
        {
            c.IntermediateSpec.PathLength = 0;
            var lower = new BcPki.CertificateSpec
            {
                Subject = BcPki.Name("Diff Lower"), Issuer = BcPki.Name("Diff Intermediate"), Key = c.OtherKey, IssuerKey = c.IntermediateKey, Serial = 5,
            };
            c.SignerSpec.Issuer = BcPki.Name("Diff Lower");
            c.SignerSpec.IssuerKey = c.OtherKey;
            return c.With(new[] { c.Signer, BcPki.Certificate(lower), c.Intermediate });
        }, false, false),
        new("unknown critical extension on the signer", c =>
        {
            c.SignerSpec.Extra.Add((PrivateExtension, true, new DerUtf8String("must understand")));
            return c.Build();
        }, false, false),
        new("unknown critical extension on the intermediate", c =>
        {
            c.IntermediateSpec.Extra.Add((PrivateExtension, true, new DerUtf8String("must understand")));
            return c.Build();
        }, false, false),
        new("signer certificate not in the CMS", c => c.With(new[] { c.Intermediate }), false, false),
        new("intermediate not in the CMS", c => c.With(new[] { c.Signer }), false, false),

        // ---- documented differences (docs/image-format.md) ----
        new("signer valid 2000..2001, the rest from 2026: no date inside every period", c =>
        {
            c.SignerSpec.NotBefore = new DateTime(2000, 1, 1);
            c.SignerSpec.NotAfter = new DateTime(2001, 1, 1);
            return c.Build();
        }, true, false, "dates are not checked, like EDK2 (X509_V_FLAG_NO_CHECK_TIME); PKIX validates at one date, so BouncyCastle cannot accept this chain"),
        new("signer's issuer Name as UTF8String, the intermediate's subject as PrintableString", c =>
        {
            c.IntermediateSpec.Subject = BcPki.Name("Diff Intermediate", printable: true);
            return c.Build();
        }, false, true, "Names are compared byte for byte; BouncyCastle (and OpenSSL) compare them after normalising string types"),
        new("signer's issuer Name differs from the intermediate's subject only in case", c =>
        {
            c.SignerSpec.Issuer = BcPki.Name("DIFF INTERMEDIATE");
            return c.Build();
        }, false, true, "Names are compared byte for byte; BouncyCastle (and OpenSSL) fold case"),
        new("trusted root has no basicConstraints and no keyUsage (v3)", c =>
        {
            c.RootSpec.CertificateAuthority = null;
            c.RootSpec.KeyUsageBits = null;
            return c.Build();
        }, false, true, "an issuer must be a CA, the trusted root included (OpenSSL's X509_check_ca on every chain certificate, as EDK2 runs it); BouncyCastle takes a trust anchor as given (RFC 5280 6.1.1 d)"),
        new("trusted root with pathLenConstraint 0 above the intermediate", c =>
        {
            c.RootSpec.PathLength = 0;
            return c.Build();
        }, false, true, "the trusted root's pathLenConstraint counts (OpenSSL checks it on every CA of the chain, the anchor included, as EDK2 runs it); BouncyCastle applies no constraint of a trust anchor (RFC 5280 6.1.1)"),
    };

    public static TheoryData<string> RowNames()
    {
        var data = new TheoryData<string>();
        foreach (Row row in Rows) data.Add(row.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public void Verify_GeneratedChain_VerdictsAsStated(string name)
    {
        Row row = Rows.Single(r => r.Name == name);
        Material material = row.Make(new Chain());

        Pkcs7VerifyResult ours = Pkcs7Verifier.Verify(material.CertData, SHA256.HashData(material.Content), material.Root);
        bool theirs = BcPkcs7Reference.Verify(material.CertData, material.Content, material.Root, out string why);

        _output.WriteLine($"ours: {ours.IsVerified} ({ours.Failure}/{ours.CertificateStatus}), BouncyCastle: {theirs} ({why}){(row.Why.Length > 0 ? "; documented: " + row.Why : "")}");
        Assert.True(ours.IsVerified == row.Ours, $"ours {ours.IsVerified} ({ours.Failure}/{ours.CertificateStatus}), expected {row.Ours}");
        Assert.True(theirs == row.BouncyCastle, $"BouncyCastle {theirs} ({why}), expected {row.BouncyCastle}");
    }

    /// <summary>
    /// EDK2's own PKCS7 capsules (../shared/vectors/edk2-capsules/pkcs7, README.txt there): A and B verify
    /// under TestRoot.cer, C (tampered) and D (another chain) do not; D verifies under its own root, A does
    /// not. The EDK2 chain expired in 2017/2018: BouncyCastle judges it at a date inside its validity.
    /// </summary>
    [Theory]
    [InlineData(EdkCapsuleVectors.CapsuleA, "test", true)]
    [InlineData(EdkCapsuleVectors.CapsuleB, "test", true)]
    [InlineData(EdkCapsuleVectors.CapsuleC, "test", false)]
    [InlineData(EdkCapsuleVectors.CapsuleD, "test", false)]
    [InlineData(EdkCapsuleVectors.CapsuleD, "untrusted", true)]
    [InlineData(EdkCapsuleVectors.CapsuleA, "untrusted", false)]
    public void Verify_Edk2Capsule_SameVerdictAsBouncyCastle(string capsulePath, string root, bool expected)
    {
        byte[] capsule = EdkCapsuleVectors.Read(capsulePath);
        byte[] rootDer = root == "test" ? EdkCapsuleVectors.TestRootDer : EdkCapsuleVectors.UntrustedRootDer;
        Assert.True(EdkCapsuleVectors.TryLocate(capsule, out int offset, out int length, out int start, out int end));
        byte[] certData = capsule.AsSpan(offset, length).ToArray();
        byte[] content = capsule.AsSpan(start, end - start).ToArray().Concat(capsule.AsSpan(0x60, 8).ToArray()).ToArray();

        Pkcs7VerifyResult ours = Pkcs7Verifier.Verify(certData, SHA256.HashData(content), rootDer);
        bool theirs = BcPkcs7Reference.Verify(certData, content, rootDer, out string why);

        _output.WriteLine($"ours {ours.IsVerified} ({ours.Failure}), BouncyCastle {theirs} ({why})");
        Assert.Equal(expected, ours.IsVerified);
        Assert.Equal(expected, theirs);
    }

    /// <summary>
    /// Every octet of a valid CertData flipped in turn (xor 0x01): both verifiers must give the same
    /// verdict, except where ours is stricter on a field the signature does not cover (listed in
    /// <see cref="OursStricter"/> by DER path, each with its reason). Prints the tally.
    /// </summary>
    [Fact]
    public void Verify_EveryOctetOfTheSignedDataFlipped_SameVerdictOrDocumentedStricterField()
    {
        Material valid = new Chain().Build();
        byte[] digest = SHA256.HashData(valid.Content);
        int bothAccept = 0, bothReject = 0;
        var documented = new Dictionary<string, int>();
        var unexplained = new List<string>();
        int stride = int.TryParse(Environment.GetEnvironmentVariable("PKCS7_DIFF_STRIDE"), out int s) && s > 0 ? s : 1;
        for (int offset = 0; offset < valid.CertData.Length; offset += stride)
        {
            byte[] mutant = Flip(valid.CertData, offset);
            bool ours = Pkcs7Verifier.Verify(mutant, digest, valid.Root).IsVerified;
            bool theirs = BcPkcs7Reference.Verify(mutant, valid.Content, valid.Root, out string why);
            if (ours == theirs)
            {
                if (ours) bothAccept++; else bothReject++;
                continue;
            }
            string path = DerPath.Of(valid.CertData, offset);
            string? reason = ours ? null : StricterReason(path);
            if (reason != null)
            {
                documented[reason] = documented.GetValueOrDefault(reason) + 1;
            }
            else
            {
                unexplained.Add($"offset {offset} (DER path {path}, octet {valid.CertData[offset]:x2}): ours {ours}, BouncyCastle {theirs} ({why})");
            }
        }
        _output.WriteLine($"{valid.CertData.Length} mutants: both accept {bothAccept}, both reject {bothReject}, documented differences {documented.Values.Sum()}");
        foreach ((string reason, int count) in documented) _output.WriteLine($"  {count} x {reason}");
        Assert.True(unexplained.Count == 0, unexplained.Count + " unexplained differences:\n" + string.Join("\n", unexplained.Take(40)));
    }

    /// <summary>
    /// Fields of the CMS that no signature covers, where ours refuses what BouncyCastle lets through,
    /// by DER path in the ContentInfo (0 contentType, 1.0 SignedData; SignedData: .0 version,
    /// .1 digestAlgorithms, .2 encapContentInfo, .3 certificates, .4 signerInfos; SignerInfo 1.0.4.0: .0
    /// version, .1 sid, .2 digestAlgorithm, .3 signedAttrs, .4 signatureAlgorithm, .5 signature).
    /// </summary>
    private static readonly (string PathPattern, string Reason)[] OursStricter =
    {
        (@"^0$", "ContentInfo.contentType must be id-signedData (RFC 5652 3); BouncyCastle reads the content as SignedData whatever the OID says"),
        (@"^1\.0\.0$", "SignedData version must be 1 (RFC 5652 5.1 for id-data and issuerAndSerialNumber); BouncyCastle does not check it"),
        (@"^1\.0\.1([./]|$)", "every digestAlgorithms entry must be SHA-256 and well formed; BouncyCastle ignores this unsigned list and uses the SignerInfo's digestAlgorithm"),
        (@"^1\.0\.4\.0\.0$", "SignerInfo version must be 1 (RFC 5652 5.3, issuerAndSerialNumber); BouncyCastle does not check it"),
        (@"^1\.0\.3\.\d+\.0\.7\.0\.\d+\.1$", "an extension's critical BOOLEAN not DER-encoded (not 0xFF): ours requires DER and checks the signature over the octets received (as OpenSSL does); BouncyCastle re-encodes the TBSCertificate to DER before checking its signature, so it accepts the BER form"),
    };

    private static string? StricterReason(string path)
    {
        foreach ((string pattern, string reason) in OursStricter)
        {
            if (Regex.IsMatch(path, pattern)) return reason;
        }
        return null;
    }

    private static Material Dated(Chain c, DateTime from, DateTime to)
    {
        foreach (BcPki.CertificateSpec spec in new[] { c.RootSpec, c.IntermediateSpec, c.SignerSpec })
        {
            spec.NotBefore = from;
            spec.NotAfter = to;
        }
        return c.Build();
    }

    private static byte[] Flip(byte[] data, int index)
    {
        byte[] copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
