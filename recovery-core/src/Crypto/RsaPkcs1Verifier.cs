using System;

namespace UefiRecovery.Core.Crypto;

/// <summary>
/// RSASSA-PKCS1-v1_5 signature verification with SHA-256 (RFC 8017 sections 8.2.2 and 9.2), written
/// without the BCL so it runs in the firmware build. Strict: the expected encoded message
/// 00 01 FF..FF 00 || DigestInfo(sha256, NULL params) || H is rebuilt and compared with the whole
/// recovered block, so no parsing leniency exists (a DigestInfo without the NULL, BER lengths,
/// short padding or trailing garbage are all rejected). All scratch space is on the stack.
/// </summary>
public static class RsaPkcs1Verifier
{
    /// <summary>The largest supported modulus, in bits.</summary>
    public const int MaxModulusBits = 4096;

    private const int MaxModulusBytes = MaxModulusBits / 8;
    private const int MaxLimbs = MaxModulusBytes / 4;
    private const int MinPaddingLength = 8; // RFC 8017 section 9.2 step 3: PS is at least 8 bytes of 0xFF

    /// <summary>
    /// DER of DigestInfo ::= SEQUENCE { SEQUENCE { id-sha256, NULL }, OCTET STRING (32 bytes) } up to the
    /// hash value: RFC 8017 section 9.2, note 1.
    /// </summary>
    private static ReadOnlySpan<byte> Sha256DigestInfoPrefix => new byte[]
    {
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
    };

    /// <summary>
    /// Verifies <paramref name="signature"/> over a message whose SHA-256 is <paramref name="sha256Digest"/>.
    /// The modulus may carry leading zero bytes (e.g. an ASN.1 INTEGER's sign byte); its significant length
    /// k must be 256, 384 or 512 bytes with the top bit set, and the signature must be exactly k bytes.
    /// </summary>
    public static RsaVerifyResult Verify(
        ReadOnlySpan<byte> modulusBigEndian,
        ReadOnlySpan<byte> publicExponentBigEndian,
        ReadOnlySpan<byte> sha256Digest,
        ReadOnlySpan<byte> signature)
    {
        ReadOnlySpan<byte> modulus = StripLeadingZeros(modulusBigEndian);
        int k = modulus.Length;
        if ((k != 256 && k != 384 && k != 512) || modulus[0] < 0x80)
        {
            return RsaVerifyResult.UnsupportedModulusSize;
        }
        if ((modulus[k - 1] & 1) == 0)
        {
            return RsaVerifyResult.ModulusEven;
        }

        ReadOnlySpan<byte> exponent = StripLeadingZeros(publicExponentBigEndian);
        if (exponent.Length == 0 || exponent.Length >= k || (exponent[exponent.Length - 1] & 1) == 0
            || (exponent.Length == 1 && exponent[0] < 3))
        {
            return RsaVerifyResult.InvalidExponent;
        }
        if (sha256Digest.Length != Sha256.DigestSize)
        {
            return RsaVerifyResult.InvalidDigestLength;
        }
        if (signature.Length != k)
        {
            return RsaVerifyResult.SignatureLengthMismatch;
        }

        int limbs = k / 4;
        Span<uint> modulusLimbs = stackalloc uint[MaxLimbs];
        Span<uint> signatureLimbs = stackalloc uint[MaxLimbs];
        Span<uint> workspace = stackalloc uint[4 * MaxLimbs + 2];
        modulusLimbs = modulusLimbs.Slice(0, limbs);
        signatureLimbs = signatureLimbs.Slice(0, limbs);
        BigNumber.TryLoadBigEndian(modulus, modulusLimbs);
        BigNumber.TryLoadBigEndian(signature, signatureLimbs);
        if (BigNumber.Compare(signatureLimbs, modulusLimbs) >= 0)
        {
            return RsaVerifyResult.SignatureOutOfRange;
        }

        // RSAVP1: m = s^e mod n, then I2OSP(m, k).
        var montgomery = new MontgomeryModulus(modulusLimbs);
        montgomery.Power(signatureLimbs, exponent, signatureLimbs, workspace);
        Span<byte> recovered = stackalloc byte[MaxModulusBytes];
        recovered = recovered.Slice(0, k);
        BigNumber.StoreBigEndian(signatureLimbs, recovered);

        Span<byte> expected = stackalloc byte[MaxModulusBytes];
        expected = expected.Slice(0, k);
        BuildExpectedEncoding(sha256Digest, expected);
        return recovered.SequenceEqual(expected) ? RsaVerifyResult.Valid : RsaVerifyResult.EncodingMismatch;
    }

    /// <summary>EMSA-PKCS1-v1_5-ENCODE (RFC 8017 section 9.2) of a SHA-256 digest into exactly k bytes.</summary>
    private static void BuildExpectedEncoding(ReadOnlySpan<byte> digest, Span<byte> encoded)
    {
        ReadOnlySpan<byte> prefix = Sha256DigestInfoPrefix;
        int tLength = prefix.Length + digest.Length;
        int paddingLength = encoded.Length - tLength - 3;
        // k >= 256 here, so the padding is always far above the 8-byte minimum.
        if (paddingLength < MinPaddingLength)
        {
            Environment.FailFast("RSA encoding: modulus too small for SHA-256 DigestInfo");
        }
        encoded[0] = 0x00;
        encoded[1] = 0x01;
        encoded.Slice(2, paddingLength).Fill(0xFF);
        encoded[2 + paddingLength] = 0x00;
        prefix.CopyTo(encoded.Slice(3 + paddingLength));
        digest.CopyTo(encoded.Slice(3 + paddingLength + prefix.Length));
    }

    private static ReadOnlySpan<byte> StripLeadingZeros(ReadOnlySpan<byte> value)
    {
        int start = 0;
        while (start < value.Length && value[start] == 0)
        {
            start++;
        }
        return value.Slice(start);
    }
}
