namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// Why <see cref="Pkcs7Verifier.Verify"/> refused a PKCS7 (CMS SignedData) FMP authentication.
/// <see cref="None"/> is the only success. <see cref="Pkcs7FailureMessages.For"/> gives the text.
/// </summary>
public enum Pkcs7Failure : byte
{
    None = 0,

    /// <summary>The digest passed in is not 32 bytes (caller error).</summary>
    InvalidDigestLength,

    /// <summary>The trusted root is not one well-formed supported certificate.</summary>
    MalformedTrustedRoot,

    /// <summary>CertData is not DER ContentInfo { contentType, [0] content } (RFC 5652 3), or has bytes after it.</summary>
    MalformedContentInfo,

    /// <summary>contentType is not id-signedData.</summary>
    NotSignedData,

    /// <summary>SignedData does not follow RFC 5652 5.1.</summary>
    MalformedSignedData,

    /// <summary>SignedData or SignerInfo version other than 1 (the only one for id-data and issuerAndSerialNumber).</summary>
    UnsupportedVersion,

    /// <summary>A digest algorithm other than SHA-256.</summary>
    UnsupportedDigestAlgorithm,

    /// <summary>encapContentInfo.eContentType is not id-data.</summary>
    ContentTypeNotData,

    /// <summary>eContent is present: FMP signatures are detached (the content is the capsule image).</summary>
    EmbeddedContentPresent,

    /// <summary>A certificate in the CMS is not DER X.509 (or not the Certificate choice).</summary>
    MalformedCertificate,

    /// <summary>A certificate uses a signature or key algorithm, key size or critical extension we do not support.</summary>
    UnsupportedCertificate,

    /// <summary>More certificates than <see cref="Pkcs7Verifier.MaxCertificates"/>.</summary>
    TooManyCertificates,

    /// <summary>signerInfos does not hold exactly one SignerInfo.</summary>
    SignerCountNotOne,

    /// <summary>SignerInfo does not follow RFC 5652 5.3.</summary>
    MalformedSignerInfo,

    /// <summary>sid is subjectKeyIdentifier; only issuerAndSerialNumber is supported.</summary>
    UnsupportedSignerIdentifier,

    /// <summary>SignerInfo.signatureAlgorithm is not rsaEncryption or sha256WithRSAEncryption.</summary>
    UnsupportedSignatureAlgorithm,

    /// <summary>signedAttrs is not a SET OF Attribute (RFC 5652 5.3).</summary>
    MalformedSignedAttributes,

    /// <summary>content-type attribute missing, repeated, multi-valued or not id-data (RFC 5652 11.1).</summary>
    InvalidContentTypeAttribute,

    /// <summary>message-digest attribute missing, repeated, multi-valued or not a 32-byte OCTET STRING (RFC 5652 11.2).</summary>
    InvalidMessageDigestAttribute,

    /// <summary>message-digest differs from the digest of the signed capsule bytes: the image was changed.</summary>
    ContentDigestMismatch,

    /// <summary>No certificate in the CMS matches the signer's issuer and serial number.</summary>
    SignerCertificateNotFound,

    /// <summary>The signer's RSA signature over the signed attributes does not verify.</summary>
    SignerSignatureInvalid,

    /// <summary>A certificate's issuer is neither in the CMS nor the trusted root.</summary>
    IssuerNotFound,

    /// <summary>A certificate's signature does not verify with its issuer's key.</summary>
    CertificateSignatureInvalid,

    /// <summary>An issuing certificate is not a CA (basicConstraints cA, keyUsage keyCertSign).</summary>
    IssuerNotCertificateAuthority,

    /// <summary>An issuing certificate's pathLenConstraint is exceeded.</summary>
    PathLengthExceeded,

    /// <summary>The chain reaches a self-issued certificate that is not the trusted root.</summary>
    UntrustedRoot,

    /// <summary>More issuers than <see cref="Pkcs7Verifier.MaxChainIssuers"/> before reaching the trusted root.</summary>
    ChainTooLong,

    /// <summary>signedAttrs longer than <see cref="RetaggedSha256.MaxEncodedLength"/> (a bound of the stack-only hashing).</summary>
    SignedAttributesTooLarge,
}
