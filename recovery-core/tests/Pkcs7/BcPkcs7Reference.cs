using System;
using System.Collections.Generic;
using System.Linq;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Pkix;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Store;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// BouncyCastle's verdict on a detached PKCS7 signature, set up as close to EDK2's Pkcs7Verify
/// (OpenSSL, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME, purpose ANY) as its API allows:
/// <list type="bullet">
/// <item>exactly one SignerInfo; its certificate found among the CMS certificates by SignerID;</item>
/// <item>SignerInformation.Verify(public key): message-digest, content-type and the signature, without
/// the signing-time check that Verify(certificate) adds;</item>
/// <item>a signer certificate equal to the trusted root is accepted (partial chain); otherwise
/// PkixCertPathBuilder with the root as the only trust anchor (which need not be self-signed), the CMS
/// certificates as the store and revocation off;</item>
/// <item>PKIX has no "no time check": the validation date is the latest notBefore of the CMS
/// certificates and the root, so every chain whose validity periods overlap is judged inside them.
/// Chains whose periods do not overlap are the documented "expired" difference.</item>
/// </list>
/// Any exception BouncyCastle throws on hostile bytes is a rejection.
/// </summary>
internal static class BcPkcs7Reference
{
    public static bool Verify(byte[] certData, byte[] content, byte[] rootDer) => Verify(certData, content, rootDer, out _);

    public static bool Verify(byte[] certData, byte[] content, byte[] rootDer, out string why)
    {
        try
        {
            var cms = new CmsSignedData(new CmsProcessableByteArray(content), certData);
            var signers = cms.GetSignerInfos().GetSigners().ToList();
            if (signers.Count != 1)
            {
                why = signers.Count + " signers";
                return false;
            }
            SignerInformation signer = signers[0];
            IStore<X509Certificate> store = cms.GetCertificates();
            X509Certificate? signerCertificate = store.EnumerateMatches(signer.SignerID).FirstOrDefault();
            if (signerCertificate == null)
            {
                why = "signer certificate not found";
                return false;
            }
            if (!signer.Verify(signerCertificate.GetPublicKey()))
            {
                why = "signer signature";
                return false;
            }
            X509Certificate root = new X509CertificateParser().ReadCertificate(rootDer);
            if (signerCertificate.Equals(root))
            {
                why = "signer is the trusted root";
                return true;
            }
            var parameters = new PkixBuilderParameters(
                new HashSet<TrustAnchor> { new TrustAnchor(root, null) },
                new X509CertStoreSelector { Certificate = signerCertificate })
            {
                IsRevocationEnabled = false,
                Date = LatestNotBefore(store.EnumerateMatches(null).Append(root)),
            };
            parameters.AddStoreCert(store);
            new PkixCertPathBuilder().Build(parameters);
            why = "path built";
            return true;
        }
        catch (Exception e)
        {
            why = e.GetType().Name + ": " + e.Message;
            return false;
        }
    }

    private static DateTime LatestNotBefore(IEnumerable<X509Certificate> certificates)
    {
        DateTime latest = DateTime.MinValue;
        foreach (X509Certificate certificate in certificates)
        {
            if (certificate.NotBefore > latest) latest = certificate.NotBefore;
        }
        return latest.AddSeconds(1);
    }
}
