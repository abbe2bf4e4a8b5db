using System;

namespace UefiRecovery.Fuzz.Seeds;

/// <summary>The DER bytes of the first CERTIFICATE block of a PEM file.</summary>
public static class PemCertificate
{
    public static byte[] ToDer(string pem)
    {
        const string begin = "-----BEGIN CERTIFICATE-----";
        const string end = "-----END CERTIFICATE-----";
        int start = pem.IndexOf(begin, StringComparison.Ordinal);
        int stop = pem.IndexOf(end, StringComparison.Ordinal);
        if (start < 0 || stop < start) throw new FormatException("no CERTIFICATE block");
        return Convert.FromBase64String(pem.Substring(start + begin.Length, stop - start - begin.Length));
    }
}
