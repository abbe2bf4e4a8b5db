using System;
using UefiRecovery.Core.Asn1;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// The SignedData certificates field: CertificateSet ::= SET OF CertificateChoices (RFC 5652 10.2.3),
/// kept as the raw content and re-parsed on each lookup, because there are no collections and at most
/// <see cref="Pkcs7Verifier.MaxCertificates"/> small certificates. <see cref="TryCreate"/> parses every
/// certificate once, so later lookups cannot meet a malformed one.
/// </summary>
public readonly ref struct CertificateSet
{
    private readonly ReadOnlySpan<byte> _content;

    private CertificateSet(ReadOnlySpan<byte> content, int count)
    {
        _content = content;
        Count = count;
    }

    public int Count { get; }

    /// <summary>
    /// Validates the [0] IMPLICIT content: only the plain Certificate choice (a SEQUENCE), each a
    /// supported X.509 certificate, at most <paramref name="maxCertificates"/>.
    /// </summary>
    public static Pkcs7Failure TryCreate(
        ReadOnlySpan<byte> content, int maxCertificates, out CertificateSet set, out X509Status certificateStatus)
    {
        set = default;
        certificateStatus = X509Status.Ok;
        int count = 0;
        int offset = 0;
        while (offset < content.Length)
        {
            if (count == maxCertificates)
            {
                return Pkcs7Failure.TooManyCertificates;
            }
            // Other choices ([0] extendedCertificate, [1]/[2] attribute certificates, [3] other) are refused here.
            X509Status status = X509Certificate.TryParse(content.Slice(offset), out _, out int consumed);
            if (status != X509Status.Ok)
            {
                certificateStatus = status;
                return status == X509Status.Malformed ? Pkcs7Failure.MalformedCertificate : Pkcs7Failure.UnsupportedCertificate;
            }
            offset += consumed;
            count++;
        }
        set = new CertificateSet(content, count);
        return Pkcs7Failure.None;
    }

    /// <summary>The certificate at <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public bool TryGet(int index, out X509Certificate certificate)
    {
        certificate = default;
        int offset = 0;
        for (int i = 0; i < Count; i++)
        {
            if (X509Certificate.TryParse(_content.Slice(offset), out X509Certificate current, out int consumed) != X509Status.Ok)
            {
                return false;
            }
            if (i == index)
            {
                certificate = current;
                return true;
            }
            offset += consumed;
        }
        return false;
    }

    /// <summary>Finds the certificate whose issuer Name and serialNumber equal the given encodings (RFC 5652 5.3 sid).</summary>
    public bool TryFindByIssuerAndSerial(ReadOnlySpan<byte> issuerEncoded, ReadOnlySpan<byte> serialNumber, out X509Certificate certificate)
    {
        for (int i = 0; i < Count; i++)
        {
            if (TryGet(i, out certificate)
                && certificate.IssuerEncoded.SequenceEqual(issuerEncoded)
                && certificate.SerialNumber.SequenceEqual(serialNumber))
            {
                return true;
            }
        }
        certificate = default;
        return false;
    }
}
