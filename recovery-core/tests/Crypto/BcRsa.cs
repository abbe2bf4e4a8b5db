using System;
using System.Collections.Concurrent;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace UefiRecovery.Core.Tests.Crypto;

/// <summary>
/// BouncyCastle's side of the RSA differential tests: seeded key generation, PKCS#1 v1.5 SHA-256 sign and
/// verify (RsaDigestSigner), and the raw private-key operation for hand-made encodings.
/// </summary>
internal static class BcRsa
{
    private static readonly ConcurrentDictionary<(int Bits, int Seed), AsymmetricCipherKeyPair> Keys = new();

    /// <summary>A deterministic key (SHA256PRNG seeded with <paramref name="seed"/>), made once per run.</summary>
    public static AsymmetricCipherKeyPair Key(int bits, int seed) => Keys.GetOrAdd((bits, seed), k =>
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), Random(k.Seed * 7919 + k.Bits), k.Bits, 80));
        return generator.GenerateKeyPair();
    });

    public static SecureRandom Random(int seed)
    {
        SecureRandom random = SecureRandom.GetInstance("SHA256PRNG", false);
        random.SetSeed(seed);
        return random;
    }

    public static RsaKeyParameters Public(AsymmetricCipherKeyPair key) => (RsaKeyParameters)key.Public;

    /// <summary>k-byte big-endian encoding of the modulus (no sign octet).</summary>
    public static byte[] Modulus(RsaKeyParameters key) => key.Modulus.ToByteArrayUnsigned();

    public static byte[] Exponent(RsaKeyParameters key) => key.Exponent.ToByteArrayUnsigned();

    public static int ByteLength(RsaKeyParameters key) => (key.Modulus.BitLength + 7) / 8;

    public static byte[] Sign(AsymmetricCipherKeyPair key, byte[] message)
    {
        var signer = new RsaDigestSigner(new Sha256Digest());
        signer.Init(true, key.Private);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    /// <summary>BouncyCastle's verdict; any exception it throws on hostile input counts as "invalid".</summary>
    public static bool Verify(RsaKeyParameters key, byte[] message, byte[] signature)
    {
        if (key is RefusedKey) return false; // BouncyCastle refused the modulus itself
        try
        {
            var signer = new RsaDigestSigner(new Sha256Digest());
            signer.Init(false, key);
            signer.BlockUpdate(message, 0, message.Length);
            return signer.VerifySignature(signature);
        }
        catch (Exception e) when (e is DataLengthException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// A public key BouncyCastle would refuse to build (it checks the modulus for small factors): kept as
    /// a subclass-free holder whose verdict is "invalid" on BouncyCastle's side, as its constructor says.
    /// </summary>
    public static RsaKeyParameters Unvalidated(BigInteger modulus, BigInteger exponent)
    {
        try
        {
            return new RsaKeyParameters(false, modulus, exponent);
        }
        catch (ArgumentException)
        {
            return new RefusedKey(modulus, exponent);
        }
    }

    /// <summary>Carries a modulus BouncyCastle refused; <see cref="Verify"/> answers false for it.</summary>
    private sealed class RefusedKey : RsaKeyParameters
    {
        public RefusedKey(BigInteger modulus, BigInteger exponent)
            : base(false, BigInteger.ValueOf(0xFFFF_FFFBL).Multiply(BigInteger.ValueOf(0x7FFF_FFFFL)), BigInteger.Three)
        {
            RealModulus = modulus;
            RealExponent = exponent;
        }

        public BigInteger RealModulus { get; }
        public BigInteger RealExponent { get; }
    }

    /// <summary>The modulus the key stands for (the refused one for <see cref="Unvalidated"/> keys).</summary>
    public static byte[] ModulusOf(RsaKeyParameters key) => (key is RefusedKey refused ? refused.RealModulus : key.Modulus).ToByteArrayUnsigned();

    public static byte[] ExponentOf(RsaKeyParameters key) => (key is RefusedKey refused ? refused.RealExponent : key.Exponent).ToByteArrayUnsigned();

    /// <summary>m^d mod n of a hand-made encoded block, as a k-byte signature.</summary>
    public static byte[] RawPrivate(AsymmetricCipherKeyPair key, byte[] encodedMessage)
    {
        var engine = new RsaEngine();
        engine.Init(true, key.Private);
        byte[] raw = engine.ProcessBlock(encodedMessage, 0, encodedMessage.Length);
        int k = ByteLength(Public(key));
        byte[] signature = new byte[k];
        raw.CopyTo(signature, k - raw.Length);
        return signature;
    }

    /// <summary>k-byte big-endian encoding of <paramref name="value"/>.</summary>
    public static byte[] Fixed(BigInteger value, int k)
    {
        byte[] magnitude = value.ToByteArrayUnsigned();
        byte[] result = new byte[Math.Max(k, magnitude.Length)];
        magnitude.CopyTo(result, result.Length - magnitude.Length);
        return result;
    }
}
