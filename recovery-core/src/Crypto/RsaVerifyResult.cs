namespace UefiRecovery.Core.Crypto;

/// <summary>Outcome of an RSASSA-PKCS1-v1_5 verification. Only <see cref="Valid"/> means "signature good".</summary>
public enum RsaVerifyResult
{
    /// <summary>Never returned; the default value is not a success.</summary>
    None = 0,

    /// <summary>The signature verifies: the whole encoded block equals EMSA-PKCS1-v1_5(SHA-256, digest).</summary>
    Valid = 1,

    /// <summary>The modulus is not exactly 2048, 3072 or 4096 bits.</summary>
    UnsupportedModulusSize,

    /// <summary>The modulus is even (not an RSA modulus; Montgomery arithmetic needs it odd).</summary>
    ModulusEven,

    /// <summary>The public exponent is even, below 3, or not shorter than the modulus.</summary>
    InvalidExponent,

    /// <summary>The digest is not 32 bytes.</summary>
    InvalidDigestLength,

    /// <summary>The signature is not exactly k bytes long (RFC 8017 section 8.2.2 step 1).</summary>
    SignatureLengthMismatch,

    /// <summary>The signature as an integer is not below the modulus (RFC 8017 section 5.2.2 step 1).</summary>
    SignatureOutOfRange,

    /// <summary>s^e mod n is not the expected encoding (wrong key, wrong data, or malformed padding/DigestInfo).</summary>
    EncodingMismatch,
}
