namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>Why an X.509 certificate was refused by <see cref="X509Certificate.TryParse"/>.</summary>
public enum X509Status : byte
{
    Ok = 0,

    /// <summary>Not valid DER, or not the RFC 5280 4.1 Certificate structure.</summary>
    Malformed,

    /// <summary>Version other than v1, v2, v3, or extensions in a certificate older than v3.</summary>
    UnsupportedVersion,

    /// <summary>Certificate signed with something other than sha256WithRSAEncryption.</summary>
    UnsupportedSignatureAlgorithm,

    /// <summary>TBSCertificate.signature differs from Certificate.signatureAlgorithm (RFC 5280 4.1.1.2).</summary>
    SignatureAlgorithmMismatch,

    /// <summary>Subject key is not rsaEncryption.</summary>
    UnsupportedPublicKeyAlgorithm,

    /// <summary>RSA modulus outside 2048..4096 bits, or an exponent that is even, below 3 or over 32 bits.</summary>
    UnsupportedKeySize,

    /// <summary>A critical extension we do not process (RFC 5280 4.2: such a certificate MUST be rejected).</summary>
    UnsupportedCriticalExtension,

    /// <summary>The same extension appears twice (RFC 5280 4.2), or more extensions than we accept.</summary>
    DuplicateOrTooManyExtensions,

    /// <summary>basicConstraints or keyUsage value is not valid DER of its RFC 5280 type.</summary>
    MalformedExtension,
}
