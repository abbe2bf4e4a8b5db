using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using UefiRecovery.Core.Crypto;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Core.Tests.Crypto;

/// <summary>
/// RSASSA-PKCS1-v1_5 / SHA-256 verification, ours (<see cref="RsaPkcs1Verifier"/>) against BouncyCastle's
/// RsaDigestSigner, on seeded random keys and messages. Each row states both verdicts; rows where they
/// differ are the documented differences (docs/image-format.md "RSA2048/SHA256"), asserted in both
/// directions, never skipped.
/// </summary>
public sealed class RsaDifferentialTests
{
    private const int MessagesPerKey = 6;

    private readonly ITestOutputHelper _output;

    public RsaDifferentialTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>Key sizes our verifier supports (2048/3072/4096) and the seeds of their keys.</summary>
    public static TheoryData<int, int> SupportedKeys() => new TheoryData<int, int>
    {
        { 2048, 1 }, { 2048, 2 }, { 2048, 3 }, { 3072, 1 }, { 4096, 1 },
    };

    /// <summary>Variants where both must agree: (name, expected verdict of both).</summary>
    private static readonly (string Name, bool Valid, Func<AsymmetricCipherKeyPair, byte[], Random, (RsaKeyParameters Key, byte[] Signature)> Make)[] AgreedVariants =
    {
        ("valid signature", true, (k, m, r) => (BcRsa.Public(k), BcRsa.Sign(k, m))),
        ("one bit flipped in the signature", false, (k, m, r) => (BcRsa.Public(k), FlipBit(BcRsa.Sign(k, m), r))),
        ("signature of another message", false, (k, m, r) => (BcRsa.Public(k), BcRsa.Sign(k, Concat(m, new byte[] { 1 })))),
        ("signature zero", false, (k, m, r) => (BcRsa.Public(k), new byte[BcRsa.ByteLength(BcRsa.Public(k))])),
        ("signature n - 1", false, (k, m, r) => (BcRsa.Public(k), BcRsa.Fixed(BcRsa.Public(k).Modulus.Subtract(BigInteger.One), BcRsa.ByteLength(BcRsa.Public(k))))),
        ("signature = n", false, (k, m, r) => (BcRsa.Public(k), BcRsa.Fixed(BcRsa.Public(k).Modulus, BcRsa.ByteLength(BcRsa.Public(k))))),
        ("signature + n (k+1 bytes)", false, (k, m, r) => (BcRsa.Public(k), BcRsa.Fixed(new BigInteger(1, BcRsa.Sign(k, m)).Add(BcRsa.Public(k).Modulus), BcRsa.ByteLength(BcRsa.Public(k)) + 1))),
        ("valid signature with a leading zero octet (k+1 bytes)", false, (k, m, r) => (BcRsa.Public(k), Concat(new byte[] { 0 }, BcRsa.Sign(k, m)))),
        ("public exponent 3 instead of 65537", false, (k, m, r) => (new RsaKeyParameters(false, BcRsa.Public(k).Modulus, BigInteger.Three), BcRsa.Sign(k, m))),
        ("modulus with its second-lowest bit flipped", false, (k, m, r) => (BcRsa.Unvalidated(BcRsa.Public(k).Modulus.FlipBit(1), BcRsa.Public(k).Exponent), BcRsa.Sign(k, m))),
        ("block type 02 instead of 01", false, (k, m, r) => (BcRsa.Public(k), BcRsa.RawPrivate(k, Encoded(k, m, blockType: 2)))),
        ("padding with one 00 instead of FF", false, (k, m, r) => (BcRsa.Public(k), BcRsa.RawPrivate(k, Encoded(k, m, zeroInPadding: true)))),
        ("DigestInfo of SHA-1 OID with the SHA-256 hash", false, (k, m, r) => (BcRsa.Public(k), BcRsa.RawPrivate(k, Encoded(k, m, sha1Oid: true)))),
        ("hash followed by a trailing byte (padding one shorter)", false, (k, m, r) => (BcRsa.Public(k), BcRsa.RawPrivate(k, Encoded(k, m, trailingByte: true)))),
        ("DigestInfo with a long-form (BER) length", false, (k, m, r) => (BcRsa.Public(k), BcRsa.RawPrivate(k, Encoded(k, m, longFormLength: true)))),
        ("hand-made correct encoding", true, (k, m, r) => (BcRsa.Public(k), BcRsa.RawPrivate(k, Encoded(k, m)))),
    };

    [Theory]
    [MemberData(nameof(SupportedKeys))]
    public void Verify_SeededKeyAllVariants_SameVerdictAsBouncyCastle(int bits, int seed)
    {
        AsymmetricCipherKeyPair key = BcRsa.Key(bits, seed);
        var random = new Random(seed * 31 + bits);
        int cases = 0;
        for (int i = 0; i < MessagesPerKey; i++)
        {
            byte[] message = new byte[random.Next(0, 200)];
            random.NextBytes(message);
            foreach ((string name, bool valid, var make) in AgreedVariants)
            {
                (RsaKeyParameters publicKey, byte[] signature) = make(key, message, random);
                bool ours = Ours(publicKey, message, signature);
                bool theirs = BcRsa.Verify(publicKey, message, signature);
                Assert.True(ours == valid && theirs == valid,
                    $"{bits}-bit key {seed}, message {i}, {name}: ours {ours}, BouncyCastle {theirs}, expected {valid}");
                cases++;
            }
        }
        _output.WriteLine($"{bits}-bit key {seed}: {cases} cases, all agree");
    }

    [Fact]
    public void Verify_RandomSignatureBytes_BothRejectEveryOne()
    {
        AsymmetricCipherKeyPair key = BcRsa.Key(2048, 1);
        var random = new Random(99);
        byte[] message = new byte[32];
        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(message);
            byte[] signature = new byte[256];
            random.NextBytes(signature);
            Assert.False(Ours(BcRsa.Public(key), message, signature), "ours accepted random bytes");
            Assert.False(BcRsa.Verify(BcRsa.Public(key), message, signature), "BouncyCastle accepted random bytes");
        }
    }

    /// <summary>
    /// EDK2's RSA2048 capsules (../shared/vectors/edk2-capsules/rsa2048): the signature checked with the
    /// modulus each capsule carries (e = 65537) over SignedData || MonotonicCount. A and B verify, C
    /// (tampered) does not, D verifies under its own, untrusted key (the trust check, not the RSA
    /// arithmetic, refuses it: CapsuleVerifierTests).
    /// </summary>
    [Theory]
    [InlineData(Image.Edk2Vectors.RsaA, true)]
    [InlineData(Image.Edk2Vectors.RsaB, true)]
    [InlineData(Image.Edk2Vectors.RsaC, false)]
    [InlineData(Image.Edk2Vectors.RsaD, true)]
    public void Verify_Edk2Rsa2048Capsule_SameVerdictAsBouncyCastle(string path, bool expected)
    {
        byte[] file = SharedVectors.Read(path);
        Assert.Equal(UefiRecovery.Core.Image.CapsuleStatus.Ok, UefiRecovery.Core.Image.CapsuleParser.TryParse(file, out UefiRecovery.Core.Image.FmpCapsule capsule));
        byte[] modulus = capsule.CertificateData.Slice(16, 256).ToArray();
        byte[] signature = capsule.CertificateData.Slice(16 + 256, 256).ToArray();
        byte[] message = new byte[capsule.SignedData.Length + 8];
        capsule.SignedData.CopyTo(message);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(capsule.SignedData.Length), capsule.Authentication.MonotonicCount);
        var key = new RsaKeyParameters(false, new BigInteger(1, modulus), BigInteger.ValueOf(65537));

        Assert.Equal(expected, Ours(key, message, signature));
        Assert.Equal(expected, BcRsa.Verify(key, message, signature));
    }

    // ---- Documented differences: both verdicts asserted, with the reason. ----

    /// <summary>
    /// DigestInfo without the NULL parameters: BouncyCastle's RsaDigestSigner also accepts that form;
    /// ours rebuilds the one DER encoding and compares (RFC 8017 9.2 note 2 allows a verifier to accept it,
    /// docs/image-format.md says ours does not, as Wycheproof's "acceptable" case).
    /// </summary>
    [Fact]
    public void Verify_DigestInfoWithoutNull_BouncyCastleAcceptsOursRejects()
    {
        AsymmetricCipherKeyPair key = BcRsa.Key(2048, 1);
        byte[] message = { 1, 2, 3 };
        byte[] signature = BcRsa.RawPrivate(key, Encoded(key, message, omitNull: true));
        Assert.True(BcRsa.Verify(BcRsa.Public(key), message, signature));
        Assert.False(Ours(BcRsa.Public(key), message, signature));
    }

    /// <summary>
    /// A valid signature whose first octet is 0, sent without it (k-1 bytes): BouncyCastle reads it as an
    /// integer and accepts; RFC 8017 8.2.2 step 1 requires exactly k octets, which ours enforces.
    /// </summary>
    [Fact]
    public void Verify_SignatureMissingItsLeadingZeroOctet_BouncyCastleAcceptsOursRejects()
    {
        AsymmetricCipherKeyPair key = BcRsa.Key(2048, 1);
        byte[] message = new byte[4];
        byte[] signature;
        int n = 0;
        do
        {
            BitConverter.GetBytes(n++).CopyTo(message, 0);
            signature = BcRsa.Sign(key, message);
        } while (signature[0] != 0);
        byte[] shortened = signature.AsSpan(1).ToArray();
        Assert.True(Ours(BcRsa.Public(key), message, signature), "the full-length signature must verify");
        Assert.True(BcRsa.Verify(BcRsa.Public(key), message, shortened));
        Assert.False(Ours(BcRsa.Public(key), message, shortened));
    }

    /// <summary>
    /// A 1024-bit (and a 2056-bit) key: BouncyCastle verifies any size; ours takes exactly 2048, 3072 or
    /// 4096 bits (docs/image-format.md), what EDK2 capsules and the X.509 rules can carry.
    /// </summary>
    [Theory]
    [InlineData(1024)]
    [InlineData(2056)]
    public void Verify_UnsupportedModulusSize_BouncyCastleAcceptsOursRejects(int bits)
    {
        AsymmetricCipherKeyPair key = BcRsa.Key(bits, 1);
        byte[] message = { 9, 8, 7 };
        byte[] signature = BcRsa.Sign(key, message);
        Assert.True(BcRsa.Verify(BcRsa.Public(key), message, signature));
        Assert.Equal(RsaVerifyResult.UnsupportedModulusSize,
            RsaPkcs1Verifier.Verify(BcRsa.Modulus(BcRsa.Public(key)), BcRsa.Exponent(BcRsa.Public(key)), SHA256.HashData(message), signature));
    }

    private static bool Ours(RsaKeyParameters key, byte[] message, byte[] signature)
        => RsaPkcs1Verifier.Verify(BcRsa.ModulusOf(key), BcRsa.ExponentOf(key), SHA256.HashData(message), signature) == RsaVerifyResult.Valid;

    private static readonly byte[] Sha256Prefix = Convert.FromHexString("3031300d060960864801650304020105000420");
    private static readonly byte[] Sha256PrefixNoNull = Convert.FromHexString("302f300b0609608648016503040201" + "0420");
    private static readonly byte[] Sha1OidPrefix = Convert.FromHexString("302d300906052b0e03021a05000420");
    private static readonly byte[] Sha256PrefixLongForm = Convert.FromHexString("308131300d060960864801650304020105000420");

    /// <summary>EMSA-PKCS1-v1_5 by hand (RFC 8017 9.2), with one deliberate defect at a time.</summary>
    private static byte[] Encoded(AsymmetricCipherKeyPair key, byte[] message, int blockType = 1, bool zeroInPadding = false,
        bool sha1Oid = false, bool trailingByte = false, bool longFormLength = false, bool omitNull = false)
    {
        int k = BcRsa.ByteLength(BcRsa.Public(key));
        byte[] prefix = sha1Oid ? Sha1OidPrefix : longFormLength ? Sha256PrefixLongForm : omitNull ? Sha256PrefixNoNull : Sha256Prefix;
        byte[] t = Concat(prefix, SHA256.HashData(message));
        if (trailingByte) t = Concat(t, new byte[] { 0x5A });
        byte[] em = new byte[k];
        em[1] = (byte)blockType;
        int paddingEnd = k - t.Length - 1;
        for (int i = 2; i < paddingEnd; i++) em[i] = 0xFF;
        if (zeroInPadding) em[5] = 0x00;
        em[paddingEnd] = 0;
        t.CopyTo(em, paddingEnd + 1);
        return em;
    }

    private static byte[] FlipBit(byte[] data, Random random)
    {
        byte[] copy = (byte[])data.Clone();
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        byte[] result = new byte[a.Length + b.Length];
        a.CopyTo(result, 0);
        b.CopyTo(result, a.Length);
        return result;
    }
}
