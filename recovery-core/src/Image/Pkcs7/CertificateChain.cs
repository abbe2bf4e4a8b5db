using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// Builds and checks the path from the signer certificate to the trusted root (RFC 5280 6.1, reduced
/// to what EDK2's Pkcs7Verify enforces with PARTIAL_CHAIN | NO_CHECK_TIME and purpose ANY: names,
/// signatures, CA-ness and path length; no validity dates, no revocation, no policies).
/// The search is greedy, without backtracking: at each step the first CMS certificate with the right
/// subject whose key verifies the signature and which may act as that issuer is taken, so the work is
/// bounded by (certificates + 1) × issuer steps RSA checks (at most 9 × 4 = 36).
/// </summary>
internal static class CertificateChain
{
    public static Pkcs7Failure Verify<TRsa>(X509Certificate signer, CertificateSet certificates, X509Certificate root, int maxIssuers, TRsa rsa)
        where TRsa : struct, IRsaSha256Verifier
    {
        X509Certificate current = signer;
        for (int position = 0; ; position++)
        {
            // Partial chain: reaching a copy of the trust anchor itself ends the path.
            if (current.Encoded.SequenceEqual(root.Encoded))
            {
                return Pkcs7Failure.None;
            }
            if (position == maxIssuers)
            {
                return Pkcs7Failure.ChainTooLong;
            }

            // The certificate's issuer sits at position + 1; it has position intermediates below it.
            if (current.IssuerEncoded.SequenceEqual(root.SubjectEncoded) && IsSignedBy(current, root, rsa))
            {
                return CheckIssuer(root, position);
            }

            if (current.IsSelfIssued)
            {
                // A self-issued certificate that is not the trust anchor: OpenSSL's
                // "self-signed certificate in certificate chain".
                return Pkcs7Failure.UntrustedRoot;
            }

            // Candidates: CMS certificates whose subject is this certificate's issuer. The first one
            // that both verifies the signature and may issue certificates here is taken.
            bool subjectFound = false;
            Pkcs7Failure candidateFailure = Pkcs7Failure.None;
            bool issuerFound = false;
            X509Certificate issuer = default;
            for (int i = 0; i < certificates.Count && !issuerFound; i++)
            {
                if (!certificates.TryGet(i, out X509Certificate candidate)
                    || !candidate.SubjectEncoded.SequenceEqual(current.IssuerEncoded))
                {
                    continue;
                }
                subjectFound = true;
                if (!IsSignedBy(current, candidate, rsa))
                {
                    continue;
                }
                Pkcs7Failure issuerFailure = CheckIssuer(candidate, position);
                if (issuerFailure != Pkcs7Failure.None)
                {
                    candidateFailure = issuerFailure;
                    continue;
                }
                issuer = candidate;
                issuerFound = true;
            }
            if (!issuerFound)
            {
                if (candidateFailure != Pkcs7Failure.None)
                {
                    return candidateFailure;
                }
                bool rootNamed = current.IssuerEncoded.SequenceEqual(root.SubjectEncoded);
                return subjectFound || rootNamed ? Pkcs7Failure.CertificateSignatureInvalid : Pkcs7Failure.IssuerNotFound;
            }

            current = issuer;
        }
    }

    /// <summary>
    /// RFC 5280 6.1.4 (k) to (n) as OpenSSL's X509_check_ca applies them: an issuer must assert
    /// basicConstraints cA (only a self-issued v1 certificate may lack it), must allow keyCertSign if it
    /// has keyUsage, and must not have more intermediates below it than its pathLenConstraint.
    /// </summary>
    private static Pkcs7Failure CheckIssuer(X509Certificate issuer, int intermediatesBelow)
    {
        bool isCa = issuer.HasBasicConstraints
            ? issuer.IsCertificateAuthority
            : issuer.Version == 1 && issuer.IsSelfIssued;
        if (!isCa || (issuer.HasKeyUsage && !issuer.KeyUsageAllowsCertificateSigning))
        {
            return Pkcs7Failure.IssuerNotCertificateAuthority;
        }
        if (issuer.PathLengthConstraint >= 0 && intermediatesBelow > issuer.PathLengthConstraint)
        {
            return Pkcs7Failure.PathLengthExceeded;
        }
        return Pkcs7Failure.None;
    }

    /// <summary>Does <paramref name="issuer"/>'s RSA key verify <paramref name="subject"/>'s sha256WithRSAEncryption signature?</summary>
    private static bool IsSignedBy<TRsa>(X509Certificate subject, X509Certificate issuer, TRsa rsa)
        where TRsa : struct, IRsaSha256Verifier
    {
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        Sha256.Hash(subject.TbsEncoded, digest);
        return rsa.Verify(issuer.RsaModulus, issuer.RsaExponent, digest, subject.SignatureValue);
    }
}
