using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// Verifies an FMP capsule's EFI_CERT_TYPE_PKCS7 authentication (UEFI 2.10 EFI_FIRMWARE_IMAGE_AUTHENTICATION, WIN_CERTIFICATE_UEFI_GUID
/// CertData) the way EDK2's FmpAuthenticationLibPkcs7 → Pkcs7Verify does, without the BCL:
/// <list type="number">
/// <item>CertData is a detached CMS SignedData with one SHA-256/RSA signer (<see cref="CmsSignedData"/>).</item>
/// <item>The signed attributes carry content-type id-data and a message-digest equal to the digest
/// of the signed capsule bytes that the caller passes in.</item>
/// <item>The signer certificate (found by issuerAndSerialNumber among the CMS certificates) signs
/// SHA-256 of the signed attributes re-tagged as SET OF (RFC 5652 5.4).</item>
/// <item>The certificate chain leads to the trusted root: each certificate is signed by its issuer
/// (found by subject Name among the CMS certificates, or the trusted root) up to a certificate that is
/// byte-equal to the trusted root, or is issued (name and signature) by it. Like OpenSSL with
/// X509_V_FLAG_PARTIAL_CHAIN, the trusted root need not be self-signed.</item>
/// </list>
/// Validity periods are deliberately NOT checked (EDK2 sets X509_V_FLAG_NO_CHECK_TIME): the firmware has
/// no trustworthy clock before recovery, and EDK2's own test chain expired in 2018. Rollback protection
/// is the FMP version/LowestSupportedVersion check, not certificate time. Also like EDK2 (X509_PURPOSE_ANY),
/// keyUsage/extendedKeyUsage of the signer are not enforced; issuing certificates must be CAs
/// (basicConstraints cA, keyCertSign if keyUsage is present, pathLenConstraint honoured).
/// Stricter than OpenSSL: names are compared byte for byte (no case folding), exactly one signer,
/// no bytes after the ContentInfo, only sha256WithRSAEncryption certificates with 2048..4096-bit keys.
/// Nothing is allocated; all scratch space is on the stack.
/// </summary>
public static class Pkcs7Verifier
{
    /// <summary>The most certificates a CertData may carry (EDK2's test chain carries two).</summary>
    public const int MaxCertificates = 8;

    /// <summary>The most issuer steps from the signer to the trusted root (signer → 3 intermediates → root is 4).</summary>
    public const int MaxChainIssuers = 4;

    /// <summary>SET OF identifier octet: what the signed attributes are hashed with (RFC 5652 5.4).</summary>
    private const byte SetOfTag = 0x31;

    /// <summary>
    /// <paramref name="certData"/>: the PKCS7 blob (WIN_CERTIFICATE_UEFI_GUID.CertData).
    /// <paramref name="contentSha256Digest"/>: SHA-256 of the signed bytes, for FMP
    /// file[FMP_PAYLOAD_HEADER .. end of image] || UINT64 LE MonotonicCount.
    /// <paramref name="trustedRootCertDer"/>: the trust anchor, one DER X.509 certificate.
    /// </summary>
    public static Pkcs7VerifyResult Verify(
        ReadOnlySpan<byte> certData, ReadOnlySpan<byte> contentSha256Digest, ReadOnlySpan<byte> trustedRootCertDer)
        => Verify(certData, contentSha256Digest, trustedRootCertDer, default(RsaPkcs1Sha256));

    /// <summary>
    /// The same, with the RSA operation supplied by <paramref name="rsa"/> (a struct, so the call is
    /// direct). Production code uses the overload above.
    /// </summary>
    public static Pkcs7VerifyResult Verify<TRsa>(
        ReadOnlySpan<byte> certData, ReadOnlySpan<byte> contentSha256Digest, ReadOnlySpan<byte> trustedRootCertDer, TRsa rsa)
        where TRsa : struct, IRsaSha256Verifier
    {
        if (contentSha256Digest.Length != Sha256.DigestSize)
        {
            return Pkcs7VerifyResult.Fail(Pkcs7Failure.InvalidDigestLength);
        }

        X509Status rootStatus = X509Certificate.TryParse(trustedRootCertDer, out X509Certificate root, out int rootLength);
        if (rootStatus != X509Status.Ok || rootLength != trustedRootCertDer.Length)
        {
            return new Pkcs7VerifyResult(Pkcs7Failure.MalformedTrustedRoot, rootStatus);
        }

        Pkcs7Failure failure = CmsSignedData.TryParse(certData, MaxCertificates, out CmsSignedData signedData, out X509Status certificateStatus);
        if (failure != Pkcs7Failure.None)
        {
            return new Pkcs7VerifyResult(failure, certificateStatus);
        }

        // RFC 5652 5.4: with signed attributes the signature covers DER(SET OF attributes), and the
        // content digest is the message-digest attribute; without them it covers the content digest.
        Span<byte> signedDigest = stackalloc byte[Sha256.DigestSize];
        if (signedData.SignedAttributesEncoded.IsEmpty)
        {
            contentSha256Digest.CopyTo(signedDigest);
        }
        else
        {
            failure = CmsSignedAttributes.TryGetMessageDigest(signedData.SignedAttributesEncoded, out ReadOnlySpan<byte> messageDigest);
            if (failure != Pkcs7Failure.None)
            {
                return Pkcs7VerifyResult.Fail(failure);
            }
            if (!messageDigest.SequenceEqual(contentSha256Digest))
            {
                return Pkcs7VerifyResult.Fail(Pkcs7Failure.ContentDigestMismatch);
            }
            if (!RetaggedSha256.TryHash(signedData.SignedAttributesEncoded, SetOfTag, signedDigest))
            {
                return Pkcs7VerifyResult.Fail(Pkcs7Failure.SignedAttributesTooLarge);
            }
        }

        CertificateSet certificates = signedData.Certificates;
        if (!certificates.TryFindByIssuerAndSerial(signedData.SignerIssuerEncoded, signedData.SignerSerialNumber, out X509Certificate signer))
        {
            return Pkcs7VerifyResult.Fail(Pkcs7Failure.SignerCertificateNotFound);
        }
        if (!rsa.Verify(signer.RsaModulus, signer.RsaExponent, signedDigest, signedData.Signature))
        {
            return Pkcs7VerifyResult.Fail(Pkcs7Failure.SignerSignatureInvalid);
        }

        return new Pkcs7VerifyResult(CertificateChain.Verify(signer, certificates, root, MaxChainIssuers, rsa), X509Status.Ok);
    }
}
