using System;
using System.Collections.Generic;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;
using UefiRecovery.Core.Tests.Crypto;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// Certificates, chains and detached CMS signatures made with BouncyCastle for the PKCS7 differential
/// tests: every knob a row needs (names with a chosen string type, CA flags, key usage, path length,
/// validity, extra extensions, who signs), nothing else.
/// </summary>
internal static class BcPki
{
    public static readonly DateTime ValidFrom = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    public static readonly DateTime ValidTo = new DateTime(2046, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>One certificate to make; defaults give a CA valid 2026..2046 with keyCertSign.</summary>
    public sealed class CertificateSpec
    {
        public X509Name Subject { get; set; } = Name("Unnamed");
        public X509Name? Issuer { get; set; }
        public AsymmetricCipherKeyPair Key { get; set; } = BcRsa.Key(2048, 100);
        /// <summary>Signs the certificate; null = self-signed with <see cref="Key"/>.</summary>
        public AsymmetricCipherKeyPair? IssuerKey { get; set; }
        public long Serial { get; set; } = 1;
        public BigInteger? SerialValue { get; set; }
        public DateTime NotBefore { get; set; } = ValidFrom;
        public DateTime NotAfter { get; set; } = ValidTo;
        /// <summary>null = no basicConstraints extension.</summary>
        public bool? CertificateAuthority { get; set; } = true;
        public int? PathLength { get; set; }
        /// <summary>null = no keyUsage extension.</summary>
        public int? KeyUsageBits { get; set; } = KeyUsage.KeyCertSign | KeyUsage.CrlSign;
        public List<(DerObjectIdentifier Oid, bool Critical, Asn1Encodable Value)> Extra { get; } = new();
    }

    /// <summary>CN=<paramref name="commonName"/> as UTF8String (what BouncyCastle writes by default) or PrintableString.</summary>
    public static X509Name Name(string commonName, bool printable = false)
    {
        Asn1Encodable value = printable ? new DerPrintableString(commonName) : new DerUtf8String(commonName);
        return X509Name.GetInstance(new DerSequence(new DerSet(new DerSequence(X509Name.CN, value))));
    }

    public static X509Certificate Certificate(CertificateSpec spec)
    {
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(spec.SerialValue ?? BigInteger.ValueOf(spec.Serial));
        generator.SetSubjectDN(spec.Subject);
        generator.SetIssuerDN(spec.Issuer ?? spec.Subject);
        generator.SetNotBefore(spec.NotBefore);
        generator.SetNotAfter(spec.NotAfter);
        generator.SetPublicKey(spec.Key.Public);
        if (spec.CertificateAuthority is bool ca)
        {
            BasicConstraints constraints = ca && spec.PathLength is int pathLength ? new BasicConstraints(pathLength) : new BasicConstraints(ca);
            generator.AddExtension(X509Extensions.BasicConstraints, true, constraints);
        }
        if (spec.KeyUsageBits is int usage) generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(usage));
        foreach ((DerObjectIdentifier oid, bool critical, Asn1Encodable value) in spec.Extra) generator.AddExtension(oid, critical, value);
        return generator.Generate(new Asn1SignatureFactory("SHA256WITHRSA", (spec.IssuerKey ?? spec.Key).Private));
    }

    /// <summary>DER ContentInfo of a detached SignedData over <paramref name="content"/>, carrying <paramref name="certificates"/>.</summary>
    public static byte[] SignDetached(byte[] content, X509Certificate signer, AsymmetricCipherKeyPair signerKey,
        IEnumerable<X509Certificate> certificates, bool signedAttributes = true)
    {
        var generator = new CmsSignedDataGenerator();
        var builder = new SignerInfoGeneratorBuilder();
        if (!signedAttributes) builder.SetDirectSignature(true);
        generator.AddSignerInfoGenerator(builder.Build(new Asn1SignatureFactory("SHA256WITHRSA", signerKey.Private), signer));
        generator.AddCertificates(CollectionUtilities.CreateStore(new List<X509Certificate>(certificates)));
        CmsSignedData signed = generator.Generate(new CmsProcessableByteArray(content), false);
        return signed.GetEncoded(Asn1Encodable.Der);
    }
}
