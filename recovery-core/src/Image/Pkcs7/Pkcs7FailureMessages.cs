namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>One fixed message per <see cref="Pkcs7Failure"/>, for logs and the recovery UI (no string building).</summary>
public static class Pkcs7FailureMessages
{
    public static string For(Pkcs7Failure failure)
    {
        switch (failure)
        {
            case Pkcs7Failure.None: return "PKCS7 signature verified";
            case Pkcs7Failure.InvalidDigestLength: return "PKCS7: content digest is not 32 bytes";
            case Pkcs7Failure.MalformedTrustedRoot: return "PKCS7: trusted root certificate is malformed or unsupported";
            case Pkcs7Failure.MalformedContentInfo: return "PKCS7: CertData is not a DER ContentInfo";
            case Pkcs7Failure.NotSignedData: return "PKCS7: content type is not signedData";
            case Pkcs7Failure.MalformedSignedData: return "PKCS7: malformed SignedData";
            case Pkcs7Failure.UnsupportedVersion: return "PKCS7: unsupported SignedData or SignerInfo version";
            case Pkcs7Failure.UnsupportedDigestAlgorithm: return "PKCS7: digest algorithm is not SHA-256";
            case Pkcs7Failure.ContentTypeNotData: return "PKCS7: encapsulated content type is not id-data";
            case Pkcs7Failure.EmbeddedContentPresent: return "PKCS7: signature is not detached (eContent present)";
            case Pkcs7Failure.MalformedCertificate: return "PKCS7: malformed certificate";
            case Pkcs7Failure.UnsupportedCertificate: return "PKCS7: certificate uses an unsupported algorithm, key size or critical extension";
            case Pkcs7Failure.TooManyCertificates: return "PKCS7: too many certificates";
            case Pkcs7Failure.SignerCountNotOne: return "PKCS7: exactly one signer is required";
            case Pkcs7Failure.MalformedSignerInfo: return "PKCS7: malformed SignerInfo";
            case Pkcs7Failure.UnsupportedSignerIdentifier: return "PKCS7: signer identified by key id, not issuer and serial";
            case Pkcs7Failure.UnsupportedSignatureAlgorithm: return "PKCS7: signature algorithm is not RSA with SHA-256";
            case Pkcs7Failure.MalformedSignedAttributes: return "PKCS7: malformed signed attributes";
            case Pkcs7Failure.InvalidContentTypeAttribute: return "PKCS7: content-type attribute missing or not id-data";
            case Pkcs7Failure.InvalidMessageDigestAttribute: return "PKCS7: message-digest attribute missing or invalid";
            case Pkcs7Failure.ContentDigestMismatch: return "PKCS7: image digest does not match the signed digest";
            case Pkcs7Failure.SignerCertificateNotFound: return "PKCS7: signer certificate not found";
            case Pkcs7Failure.SignerSignatureInvalid: return "PKCS7: signer signature does not verify";
            case Pkcs7Failure.IssuerNotFound: return "PKCS7: certificate issuer not found";
            case Pkcs7Failure.CertificateSignatureInvalid: return "PKCS7: certificate signature does not verify";
            case Pkcs7Failure.IssuerNotCertificateAuthority: return "PKCS7: issuing certificate is not a CA";
            case Pkcs7Failure.PathLengthExceeded: return "PKCS7: certificate path length constraint exceeded";
            case Pkcs7Failure.UntrustedRoot: return "PKCS7: certificate chain does not lead to the trusted root";
            case Pkcs7Failure.ChainTooLong: return "PKCS7: certificate chain too long";
            case Pkcs7Failure.SignedAttributesTooLarge: return "PKCS7: signed attributes too large";
            default: return "PKCS7: unknown failure";
        }
    }
}
