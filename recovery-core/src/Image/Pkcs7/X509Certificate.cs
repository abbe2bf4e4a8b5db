using System;
using System.Numerics;
using UefiRecovery.Core.Asn1;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// A parsed X.509 v1/v3 certificate (RFC 5280 4.1), as views into the caller's bytes. Only what
/// signature and chain checks need is kept. Parsing is strict: DER only, RSA keys signed with
/// sha256WithRSAEncryption only, and unknown critical extensions refused. Validity dates are skipped,
/// not checked (see <see cref="Pkcs7Verifier"/> for why).
/// </summary>
public ref struct X509Certificate
{
    /// <summary>More extensions than this is not a certificate we need to understand.</summary>
    public const int MaxExtensions = 32;

    public const int MinModulusBits = 2048;
    public const int MaxModulusBits = 4096;

    /// <summary>keyUsage bit 5 keyCertSign (RFC 5280 4.2.1.3), in the first value octet (bit 0 = 0x80).</summary>
    private const byte KeyCertSignMask = 0x80 >> 5;

    /// <summary>The whole Certificate element (tag, length, content).</summary>
    public ReadOnlySpan<byte> Encoded { get; private set; }

    /// <summary>The whole TBSCertificate element: the bytes the issuer's signature covers.</summary>
    public ReadOnlySpan<byte> TbsEncoded { get; private set; }

    /// <summary>1, 2 or 3 (the DER value plus one).</summary>
    public int Version { get; private set; }

    /// <summary>serialNumber content octets (two's complement, as encoded).</summary>
    public ReadOnlySpan<byte> SerialNumber { get; private set; }

    /// <summary>The issuer Name element, compared byte for byte with an issuer's subject.</summary>
    public ReadOnlySpan<byte> IssuerEncoded { get; private set; }

    public ReadOnlySpan<byte> SubjectEncoded { get; private set; }

    /// <summary>Content octets of Certificate.signatureAlgorithm's OID (always sha256WithRSAEncryption after parsing).</summary>
    public ReadOnlySpan<byte> SignatureAlgorithmOid { get; private set; }

    /// <summary>RSA modulus n, big-endian magnitude without a sign octet.</summary>
    public ReadOnlySpan<byte> RsaModulus { get; private set; }

    /// <summary>RSA public exponent e, big-endian magnitude.</summary>
    public ReadOnlySpan<byte> RsaExponent { get; private set; }

    /// <summary>signatureValue octets (the BIT STRING after its unused-bits octet).</summary>
    public ReadOnlySpan<byte> SignatureValue { get; private set; }

    public bool HasBasicConstraints { get; private set; }

    /// <summary>basicConstraints cA (false when the extension is absent).</summary>
    public bool IsCertificateAuthority { get; private set; }

    /// <summary>basicConstraints pathLenConstraint, or -1 when absent (no limit).</summary>
    public int PathLengthConstraint { get; private set; }

    public bool HasKeyUsage { get; private set; }

    /// <summary>keyUsage keyCertSign (false when the extension is absent).</summary>
    public bool KeyUsageAllowsCertificateSigning { get; private set; }

    /// <summary>Issuer and subject names are byte-equal (a self-issued certificate).</summary>
    public readonly bool IsSelfIssued => IssuerEncoded.SequenceEqual(SubjectEncoded);

    /// <summary>
    /// Parses one Certificate at the start of <paramref name="source"/>. On success
    /// <paramref name="bytesConsumed"/> is the certificate's length; on failure it is 0 and
    /// <paramref name="certificate"/> is empty.
    /// </summary>
    public static X509Status TryParse(ReadOnlySpan<byte> source, out X509Certificate certificate, out int bytesConsumed)
    {
        certificate = default;
        bytesConsumed = 0;
        X509Certificate parsed = default;
        parsed.PathLengthConstraint = -1;

        DerReader outer = new DerReader(source);
        if (!outer.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> encoded))
        {
            return X509Status.Malformed;
        }
        parsed.Encoded = encoded;

        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
        DerReader certificateReader = new DerReader(encoded);
        if (!certificateReader.TryReadSequence(out DerReader fields)
            || !fields.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> tbs)
            || !fields.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> outerAlgorithm)
            || !fields.TryReadOctetAlignedBitString(out ReadOnlySpan<byte> signatureValue)
            || !fields.TryReadEnd())
        {
            return X509Status.Malformed;
        }
        parsed.TbsEncoded = tbs;
        parsed.SignatureValue = signatureValue;

        X509Status status = ReadSignatureAlgorithm(outerAlgorithm, out ReadOnlySpan<byte> algorithmOid);
        if (status != X509Status.Ok)
        {
            return status;
        }
        parsed.SignatureAlgorithmOid = algorithmOid;

        status = ParseTbs(ref parsed, tbs, outerAlgorithm);
        if (status != X509Status.Ok)
        {
            return status;
        }

        certificate = parsed;
        bytesConsumed = encoded.Length;
        return X509Status.Ok;
    }

    /// <summary>
    /// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature,
    /// issuer, validity, subject, subjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
    /// subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT OPTIONAL } (RFC 5280 4.1).
    /// </summary>
    private static X509Status ParseTbs(ref X509Certificate parsed, ReadOnlySpan<byte> tbsEncoded, ReadOnlySpan<byte> outerAlgorithm)
    {
        DerReader tbsOuter = new DerReader(tbsEncoded);
        if (!tbsOuter.TryReadSequence(out DerReader tbs))
        {
            return X509Status.Malformed;
        }

        int version = 1;
        if (tbs.NextTagIs(DerTag.ContextConstructed(0)))
        {
            // DER omits DEFAULT values (X.690 11.5), so an explicit v1 (0) is not DER.
            if (!tbs.TryReadConstructed(DerTag.ContextConstructed(0), out DerReader versionReader)
                || !versionReader.TryReadInt32(out int versionValue)
                || !versionReader.TryReadEnd())
            {
                return X509Status.Malformed;
            }
            if (versionValue < 1 || versionValue > 2)
            {
                return X509Status.UnsupportedVersion;
            }
            version = versionValue + 1;
        }
        parsed.Version = version;

        if (!tbs.TryReadInteger(out ReadOnlySpan<byte> serial)
            || !tbs.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> innerAlgorithm))
        {
            return X509Status.Malformed;
        }
        parsed.SerialNumber = serial;
        if (!innerAlgorithm.SequenceEqual(outerAlgorithm))
        {
            return X509Status.SignatureAlgorithmMismatch;
        }

        if (!tbs.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> issuer) || !IsWellFormedName(issuer))
        {
            return X509Status.Malformed;
        }
        parsed.IssuerEncoded = issuer;

        // Validity ::= SEQUENCE { notBefore Time, notAfter Time }: read for structure, not enforced.
        if (!tbs.TryReadSequence(out DerReader validity)
            || !validity.TrySkipTime()
            || !validity.TrySkipTime()
            || !validity.TryReadEnd())
        {
            return X509Status.Malformed;
        }

        if (!tbs.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> subject) || !IsWellFormedName(subject))
        {
            return X509Status.Malformed;
        }
        parsed.SubjectEncoded = subject;

        X509Status status = ParseRsaSubjectPublicKeyInfo(ref parsed, ref tbs);
        if (status != X509Status.Ok)
        {
            return status;
        }

        // Unique identifiers (v2 and v3 only): structure checked, content unused.
        for (int number = 1; number <= 2; number++)
        {
            if (tbs.NextTagIs(DerTag.ContextPrimitive(number)))
            {
                if (version < 2)
                {
                    return X509Status.UnsupportedVersion;
                }
                if (!tbs.TryReadContent(DerTag.ContextPrimitive(number), out ReadOnlySpan<byte> uniqueId) || uniqueId.IsEmpty)
                {
                    return X509Status.Malformed;
                }
            }
        }

        if (tbs.NextTagIs(DerTag.ContextConstructed(3)))
        {
            if (version != 3)
            {
                return X509Status.UnsupportedVersion;
            }
            if (!tbs.TryReadConstructed(DerTag.ContextConstructed(3), out DerReader extensionsWrapper)
                || !extensionsWrapper.TryReadEncodedValue(DerTag.Sequence, out ReadOnlySpan<byte> extensions)
                || !extensionsWrapper.TryReadEnd())
            {
                return X509Status.Malformed;
            }
            status = ParseExtensions(ref parsed, extensions);
            if (status != X509Status.Ok)
            {
                return status;
            }
        }

        return tbs.TryReadEnd() ? X509Status.Ok : X509Status.Malformed;
    }

    /// <summary>
    /// AlgorithmIdentifier for sha256WithRSAEncryption: parameters NULL, or absent, which
    /// RFC 4055 5 says implementations MUST also accept.
    /// </summary>
    private static X509Status ReadSignatureAlgorithm(ReadOnlySpan<byte> algorithmEncoded, out ReadOnlySpan<byte> oid)
    {
        oid = default;
        DerReader outer = new DerReader(algorithmEncoded);
        if (!outer.TryReadAlgorithmIdentifier(out ReadOnlySpan<byte> algorithmOid, out bool parametersValid))
        {
            return X509Status.Malformed;
        }
        if (!algorithmOid.SequenceEqual(Pkcs7Oids.Sha256WithRsaEncryption))
        {
            return X509Status.UnsupportedSignatureAlgorithm;
        }
        if (!parametersValid)
        {
            return X509Status.Malformed;
        }
        oid = algorithmOid;
        return X509Status.Ok;
    }

    /// <summary>
    /// SubjectPublicKeyInfo with algorithm rsaEncryption (parameters NULL, RFC 3279 2.3.1) and
    /// subjectPublicKey = DER RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
    /// </summary>
    private static X509Status ParseRsaSubjectPublicKeyInfo(ref X509Certificate parsed, ref DerReader tbs)
    {
        if (!tbs.TryReadSequence(out DerReader keyInfo)
            || !keyInfo.TryReadSequence(out DerReader algorithm)
            || !algorithm.TryReadObjectIdentifier(out ReadOnlySpan<byte> algorithmOid))
        {
            return X509Status.Malformed;
        }
        if (!algorithmOid.SequenceEqual(Pkcs7Oids.RsaEncryption))
        {
            return X509Status.UnsupportedPublicKeyAlgorithm;
        }
        if (!algorithm.TryReadNull()
            || !algorithm.TryReadEnd()
            || !keyInfo.TryReadOctetAlignedBitString(out ReadOnlySpan<byte> publicKey)
            || !keyInfo.TryReadEnd())
        {
            return X509Status.Malformed;
        }

        DerReader keyOuter = new DerReader(publicKey);
        if (!keyOuter.TryReadSequence(out DerReader rsaKey)
            || !keyOuter.TryReadEnd()
            || !rsaKey.TryReadUnsignedInteger(out ReadOnlySpan<byte> modulus)
            || !rsaKey.TryReadUnsignedInteger(out ReadOnlySpan<byte> exponent)
            || !rsaKey.TryReadEnd())
        {
            return X509Status.Malformed;
        }

        int modulusBits = modulus.Length * 8 - BitOperations.LeadingZeroCount((uint)modulus[0]) + 24;
        if (modulusBits < MinModulusBits || modulusBits > MaxModulusBits)
        {
            return X509Status.UnsupportedKeySize;
        }
        // e must be odd and at least 3 (RFC 8017 3.1); more than 32 bits is not a real public exponent.
        if (exponent.Length > 4 || (exponent[exponent.Length - 1] & 1) == 0 || (exponent.Length == 1 && exponent[0] < 3))
        {
            return X509Status.UnsupportedKeySize;
        }

        parsed.RsaModulus = modulus;
        parsed.RsaExponent = exponent;
        return X509Status.Ok;
    }

    /// <summary>
    /// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, Extension ::= SEQUENCE { extnID,
    /// critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 4.1.2.9, 4.2).
    /// </summary>
    private static X509Status ParseExtensions(ref X509Certificate parsed, ReadOnlySpan<byte> extensionsEncoded)
    {
        DerReader outer = new DerReader(extensionsEncoded);
        if (!outer.TryReadSequence(out DerReader extensions) || !extensions.HasData)
        {
            return X509Status.Malformed;
        }

        int count = 0;
        while (extensions.HasData)
        {
            count++;
            if (count > MaxExtensions)
            {
                return X509Status.DuplicateOrTooManyExtensions;
            }
            if (!extensions.TryReadSequence(out DerReader extension)
                || !extension.TryReadObjectIdentifier(out ReadOnlySpan<byte> id))
            {
                return X509Status.Malformed;
            }
            bool critical = false;
            if (extension.NextTagIs(DerTag.Boolean) && !extension.TryReadBoolean(out critical))
            {
                return X509Status.Malformed;
            }
            if (!extension.TryReadOctetString(out ReadOnlySpan<byte> value) || !extension.TryReadEnd())
            {
                return X509Status.Malformed;
            }
            if (CountExtensions(extensionsEncoded, id) != 1)
            {
                return X509Status.DuplicateOrTooManyExtensions;
            }

            X509Status status;
            if (id.SequenceEqual(Pkcs7Oids.BasicConstraints))
            {
                status = ParseBasicConstraints(ref parsed, value);
            }
            else if (id.SequenceEqual(Pkcs7Oids.KeyUsage))
            {
                status = ParseKeyUsage(ref parsed, value);
            }
            else if (id.SequenceEqual(Pkcs7Oids.ExtendedKeyUsage))
            {
                status = X509Status.Ok;
            }
            else
            {
                status = critical ? X509Status.UnsupportedCriticalExtension : X509Status.Ok;
            }
            if (status != X509Status.Ok)
            {
                return status;
            }
        }
        return X509Status.Ok;
    }

    /// <summary>How many extensions carry <paramref name="id"/> (the list was already validated up to here).</summary>
    private static int CountExtensions(ReadOnlySpan<byte> extensionsEncoded, ReadOnlySpan<byte> id)
    {
        DerReader outer = new DerReader(extensionsEncoded);
        if (!outer.TryReadSequence(out DerReader extensions))
        {
            return 0;
        }
        int count = 0;
        while (extensions.HasData)
        {
            if (!extensions.TryReadSequence(out DerReader extension)
                || !extension.TryReadObjectIdentifier(out ReadOnlySpan<byte> other))
            {
                break; // not yet validated: the main loop reports it
            }
            if (other.SequenceEqual(id))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }.</summary>
    private static X509Status ParseBasicConstraints(ref X509Certificate parsed, ReadOnlySpan<byte> value)
    {
        DerReader outer = new DerReader(value);
        if (!outer.TryReadSequence(out DerReader constraints) || !outer.TryReadEnd())
        {
            return X509Status.MalformedExtension;
        }
        bool isCa = false;
        if (constraints.NextTagIs(DerTag.Boolean) && !constraints.TryReadBoolean(out isCa))
        {
            return X509Status.MalformedExtension;
        }
        int pathLength = -1;
        if (constraints.HasData)
        {
            if (!constraints.TryReadInt32(out pathLength) || pathLength < 0)
            {
                return X509Status.MalformedExtension;
            }
        }
        if (!constraints.TryReadEnd())
        {
            return X509Status.MalformedExtension;
        }
        parsed.HasBasicConstraints = true;
        parsed.IsCertificateAuthority = isCa;
        parsed.PathLengthConstraint = pathLength;
        return X509Status.Ok;
    }

    /// <summary>KeyUsage ::= BIT STRING (RFC 5280 4.2.1.3); only keyCertSign matters for chains.</summary>
    private static X509Status ParseKeyUsage(ref X509Certificate parsed, ReadOnlySpan<byte> value)
    {
        DerReader reader = new DerReader(value);
        if (!reader.TryReadBitString(out _, out ReadOnlySpan<byte> bits) || !reader.TryReadEnd())
        {
            return X509Status.MalformedExtension;
        }
        parsed.HasKeyUsage = true;
        parsed.KeyUsageAllowsCertificateSigning = !bits.IsEmpty && (bits[0] & KeyCertSignMask) != 0;
        return X509Status.Ok;
    }

    /// <summary>
    /// Name ::= SEQUENCE OF RelativeDistinguishedName, RDN ::= SET SIZE (1..MAX) OF
    /// AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY } (RFC 5280 4.1.2.4).
    /// Names are compared as bytes, so only the structure is checked here.
    /// </summary>
    private static bool IsWellFormedName(ReadOnlySpan<byte> nameEncoded)
    {
        DerReader outer = new DerReader(nameEncoded);
        if (!outer.TryReadSequence(out DerReader name))
        {
            return false;
        }
        while (name.HasData)
        {
            if (!name.TryReadSet(out DerReader relativeName) || !relativeName.HasData)
            {
                return false;
            }
            while (relativeName.HasData)
            {
                if (!relativeName.TryReadSequence(out DerReader attribute)
                    || !attribute.TryReadObjectIdentifier(out _)
                    || !attribute.TryReadEncodedValue(out _)
                    || !attribute.TryReadEnd())
                {
                    return false;
                }
            }
        }
        return true;
    }
}
