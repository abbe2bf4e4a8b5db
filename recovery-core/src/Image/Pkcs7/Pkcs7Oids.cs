using System;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// Content octets of the OBJECT IDENTIFIERs the PKCS7 verifier recognises (X.690 8.19 encoding),
/// compared byte for byte against what the reader returns.
/// </summary>
internal static class Pkcs7Oids
{
    /// <summary>id-signedData 1.2.840.113549.1.7.2 (RFC 5652 5.1).</summary>
    public static ReadOnlySpan<byte> SignedData => new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02 };

    /// <summary>id-data 1.2.840.113549.1.7.1 (RFC 5652 4).</summary>
    public static ReadOnlySpan<byte> Data => new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01 };

    /// <summary>id-contentType 1.2.840.113549.1.9.3 (RFC 5652 11.1).</summary>
    public static ReadOnlySpan<byte> ContentTypeAttribute => new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03 };

    /// <summary>id-messageDigest 1.2.840.113549.1.9.4 (RFC 5652 11.2).</summary>
    public static ReadOnlySpan<byte> MessageDigestAttribute => new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04 };

    /// <summary>id-sha256 2.16.840.1.101.3.4.2.1 (RFC 5754 2.2).</summary>
    public static ReadOnlySpan<byte> Sha256 => new byte[] { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };

    /// <summary>rsaEncryption 1.2.840.113549.1.1.1 (RFC 8017 A.1, RFC 3279 2.3.1).</summary>
    public static ReadOnlySpan<byte> RsaEncryption => new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01 };

    /// <summary>sha256WithRSAEncryption 1.2.840.113549.1.1.11 (RFC 4055 5, RFC 8017 A.2.4).</summary>
    public static ReadOnlySpan<byte> Sha256WithRsaEncryption => new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B };

    /// <summary>id-ce-basicConstraints 2.5.29.19 (RFC 5280 4.2.1.9).</summary>
    public static ReadOnlySpan<byte> BasicConstraints => new byte[] { 0x55, 0x1D, 0x13 };

    /// <summary>id-ce-keyUsage 2.5.29.15 (RFC 5280 4.2.1.3).</summary>
    public static ReadOnlySpan<byte> KeyUsage => new byte[] { 0x55, 0x1D, 0x0F };

    /// <summary>id-ce-extKeyUsage 2.5.29.37 (RFC 5280 4.2.1.12). Recognised so a critical EKU is not
    /// "unknown critical"; not enforced, like EDK2 (X509_PURPOSE_ANY).</summary>
    public static ReadOnlySpan<byte> ExtendedKeyUsage => new byte[] { 0x55, 0x1D, 0x25 };
}
