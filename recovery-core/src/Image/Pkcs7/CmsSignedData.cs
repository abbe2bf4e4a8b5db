using System;
using UefiRecovery.Core.Asn1;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// A detached CMS SignedData with one signer, as views into CertData (RFC 5652 3, 5). Accepts what
/// EDK2's GenerateCapsule.py / "openssl smime -sign -binary -md sha256" produce for an FMP capsule:
/// ContentInfo(id-signedData) → SignedData v1, digestAlgorithms {sha256}, encapContentInfo id-data
/// without eContent, certificates, exactly one SignerInfo v1 with issuerAndSerialNumber.
/// Everything else is refused with a <see cref="Pkcs7Failure"/>.
/// </summary>
public ref struct CmsSignedData
{
    public CertificateSet Certificates { get; private set; }

    /// <summary>SignerInfo sid.issuer: the whole Name element.</summary>
    public ReadOnlySpan<byte> SignerIssuerEncoded { get; private set; }

    /// <summary>SignerInfo sid.serialNumber content octets.</summary>
    public ReadOnlySpan<byte> SignerSerialNumber { get; private set; }

    /// <summary>The whole signedAttrs element as received (tag [0] 0xA0), or empty when absent.</summary>
    public ReadOnlySpan<byte> SignedAttributesEncoded { get; private set; }

    /// <summary>SignerInfo signature octets.</summary>
    public ReadOnlySpan<byte> Signature { get; private set; }

    public static Pkcs7Failure TryParse(
        ReadOnlySpan<byte> certData, int maxCertificates, out CmsSignedData signedData, out X509Status certificateStatus)
    {
        signedData = default;
        certificateStatus = X509Status.Ok;
        CmsSignedData parsed = default;

        // ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY } (RFC 5652 3).
        DerReader outer = new DerReader(certData);
        if (!outer.TryReadSequence(out DerReader contentInfo) || !outer.TryReadEnd()
            || !contentInfo.TryReadObjectIdentifier(out ReadOnlySpan<byte> contentType))
        {
            return Pkcs7Failure.MalformedContentInfo;
        }
        if (!contentType.SequenceEqual(Pkcs7Oids.SignedData))
        {
            return Pkcs7Failure.NotSignedData;
        }
        if (!contentInfo.TryReadConstructed(DerTag.ContextConstructed(0), out DerReader explicitContent)
            || !contentInfo.TryReadEnd())
        {
            return Pkcs7Failure.MalformedContentInfo;
        }

        // SignedData ::= SEQUENCE { version, digestAlgorithms SET OF, encapContentInfo,
        //   certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET OF } (RFC 5652 5.1).
        if (!explicitContent.TryReadSequence(out DerReader body) || !explicitContent.TryReadEnd()
            || !body.TryReadInt32(out int version))
        {
            return Pkcs7Failure.MalformedSignedData;
        }
        // 5.1: version 1 when there are no attribute certificates, eContentType is id-data and every
        // SignerInfo is version 1; all three are required below, so nothing else can be consistent.
        if (version != 1)
        {
            return Pkcs7Failure.UnsupportedVersion;
        }

        if (!body.TryReadSet(out DerReader digestAlgorithms) || !digestAlgorithms.HasData)
        {
            return Pkcs7Failure.MalformedSignedData;
        }
        while (digestAlgorithms.HasData)
        {
            Pkcs7Failure digestFailure = ReadSha256DigestAlgorithm(ref digestAlgorithms);
            if (digestFailure != Pkcs7Failure.None)
            {
                return digestFailure;
            }
        }

        // EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL } (5.2).
        if (!body.TryReadSequence(out DerReader encapsulated)
            || !encapsulated.TryReadObjectIdentifier(out ReadOnlySpan<byte> encapsulatedType))
        {
            return Pkcs7Failure.MalformedSignedData;
        }
        if (!encapsulatedType.SequenceEqual(Pkcs7Oids.Data))
        {
            return Pkcs7Failure.ContentTypeNotData;
        }
        if (encapsulated.HasData)
        {
            return encapsulated.NextTagIs(DerTag.ContextConstructed(0))
                ? Pkcs7Failure.EmbeddedContentPresent
                : Pkcs7Failure.MalformedSignedData;
        }

        ReadOnlySpan<byte> certificates = default;
        if (body.NextTagIs(DerTag.ContextConstructed(0))
            && !body.TryReadContent(DerTag.ContextConstructed(0), out certificates))
        {
            return Pkcs7Failure.MalformedSignedData;
        }
        Pkcs7Failure certificateFailure = CertificateSet.TryCreate(certificates, maxCertificates, out CertificateSet set, out certificateStatus);
        if (certificateFailure != Pkcs7Failure.None)
        {
            return certificateFailure;
        }
        parsed.Certificates = set;

        // CRLs play no part in EDK2's FMP verification; their element is length-checked and skipped.
        if (body.NextTagIs(DerTag.ContextConstructed(1)) && !body.TryReadContent(DerTag.ContextConstructed(1), out _))
        {
            return Pkcs7Failure.MalformedSignedData;
        }

        if (!body.TryReadSet(out DerReader signerInfos) || !body.TryReadEnd())
        {
            return Pkcs7Failure.MalformedSignedData;
        }
        if (!signerInfos.TryReadEncodedValue(out ReadOnlySpan<byte> signerInfo))
        {
            return signerInfos.HasData ? Pkcs7Failure.MalformedSignedData : Pkcs7Failure.SignerCountNotOne;
        }
        if (signerInfos.HasData)
        {
            return Pkcs7Failure.SignerCountNotOne;
        }

        Pkcs7Failure signerFailure = ParseSignerInfo(ref parsed, signerInfo);
        if (signerFailure != Pkcs7Failure.None)
        {
            return signerFailure;
        }
        signedData = parsed;
        return Pkcs7Failure.None;
    }

    /// <summary>
    /// SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
    /// signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL } (RFC 5652 5.3).
    /// </summary>
    private static Pkcs7Failure ParseSignerInfo(ref CmsSignedData parsed, ReadOnlySpan<byte> signerInfoEncoded)
    {
        DerReader outer = new DerReader(signerInfoEncoded);
        if (!outer.TryReadSequence(out DerReader signer) || !signer.TryReadInt32(out int version))
        {
            return Pkcs7Failure.MalformedSignerInfo;
        }
        if (signer.NextTagIs(DerTag.ContextPrimitive(0)))
        {
            return Pkcs7Failure.UnsupportedSignerIdentifier; // [0] SubjectKeyIdentifier (a version 3 SignerInfo)
        }
        if (version != 1)
        {
            return Pkcs7Failure.UnsupportedVersion;
        }

        // IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber } (10.2.4).
        if (!signer.TryReadSequence(out DerReader sid)
            || !sid.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> issuer)
            || !sid.TryReadInteger(out ReadOnlySpan<byte> serial)
            || !sid.TryReadEnd())
        {
            return Pkcs7Failure.MalformedSignerInfo;
        }
        parsed.SignerIssuerEncoded = issuer;
        parsed.SignerSerialNumber = serial;

        Pkcs7Failure digestFailure = ReadSha256DigestAlgorithm(ref signer);
        if (digestFailure != Pkcs7Failure.None)
        {
            return digestFailure;
        }

        ReadOnlySpan<byte> signedAttributes = default;
        if (signer.NextTagIs(DerTag.ContextConstructed(0))
            && !signer.TryReadEncodedValue(DerTag.ContextConstructed(0), out signedAttributes))
        {
            return Pkcs7Failure.MalformedSignerInfo;
        }
        parsed.SignedAttributesEncoded = signedAttributes;

        Pkcs7Failure algorithmFailure = ReadRsaSignatureAlgorithm(ref signer);
        if (algorithmFailure != Pkcs7Failure.None)
        {
            return algorithmFailure;
        }

        if (!signer.TryReadOctetString(out ReadOnlySpan<byte> signature))
        {
            return Pkcs7Failure.MalformedSignerInfo;
        }
        parsed.Signature = signature;

        // Unsigned attributes (e.g. counter-signatures) are not covered by the signature and not used.
        if (signer.NextTagIs(DerTag.ContextConstructed(1)) && !signer.TryReadContent(DerTag.ContextConstructed(1), out _))
        {
            return Pkcs7Failure.MalformedSignerInfo;
        }
        return signer.TryReadEnd() ? Pkcs7Failure.None : Pkcs7Failure.MalformedSignerInfo;
    }

    /// <summary>
    /// DigestAlgorithmIdentifier for SHA-256: parameters absent or NULL; RFC 5754 2 says
    /// implementations MUST accept both.
    /// </summary>
    private static Pkcs7Failure ReadSha256DigestAlgorithm(ref DerReader reader)
    {
        if (!reader.TryReadAlgorithmIdentifier(out ReadOnlySpan<byte> oid, out bool parametersValid))
        {
            return Pkcs7Failure.MalformedSignedData;
        }
        if (!oid.SequenceEqual(Pkcs7Oids.Sha256))
        {
            return Pkcs7Failure.UnsupportedDigestAlgorithm;
        }
        return parametersValid ? Pkcs7Failure.None : Pkcs7Failure.MalformedSignedData;
    }

    /// <summary>
    /// SignatureAlgorithmIdentifier: rsaEncryption (what OpenSSL writes, RFC 3370 3.2) or
    /// sha256WithRSAEncryption (RFC 4056 style), parameters NULL or absent. Either way the digest
    /// is SHA-256, fixed by digestAlgorithm.
    /// </summary>
    private static Pkcs7Failure ReadRsaSignatureAlgorithm(ref DerReader reader)
    {
        if (!reader.TryReadAlgorithmIdentifier(out ReadOnlySpan<byte> oid, out bool parametersValid))
        {
            return Pkcs7Failure.MalformedSignerInfo;
        }
        if (!oid.SequenceEqual(Pkcs7Oids.RsaEncryption) && !oid.SequenceEqual(Pkcs7Oids.Sha256WithRsaEncryption))
        {
            return Pkcs7Failure.UnsupportedSignatureAlgorithm;
        }
        return parametersValid ? Pkcs7Failure.None : Pkcs7Failure.MalformedSignerInfo;
    }
}
