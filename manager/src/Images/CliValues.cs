using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using UefiRecovery.Core.Common;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Images;

/// <summary>Parsing of the image commands' values: numbers (decimal or 0x hex), GUIDs, keys and certificates.</summary>
internal static class CliValues
{
    public static bool TryParseUInt64(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseUInt32(string? text, out uint value)
    {
        value = 0;
        if (!TryParseUInt64(text, out ulong wide) || wide > uint.MaxValue)
        {
            return false;
        }
        value = (uint)wide;
        return true;
    }

    /// <summary>A byte count: a number (decimal or 0x hex) with an optional binary suffix K, KiB, M, MiB, G or GiB.</summary>
    public static bool TryParseByteSize(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string trimmed = text.Trim();
        int shift = 0;
        foreach (var (suffix, bits) in new[] { ("KiB", 10), ("MiB", 20), ("GiB", 30), ("K", 10), ("M", 20), ("G", 30) })
        {
            if (!trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            trimmed = trimmed[..^suffix.Length];
            shift = bits;
            break;
        }
        if (!TryParseUInt64(trimmed, out ulong number) || number > (ulong)(long.MaxValue >> shift)) return false;
        bytes = (long)number << shift;
        return true;
    }

    public static bool TryParseGuid(string? text, out EfiGuid guid)
    {
        guid = default;
        return text is not null && EfiGuid.TryParse(text.Trim().Trim('{', '}'), out guid);
    }

    public static string Format(EfiGuid guid)
    {
        Span<char> text = stackalloc char[EfiGuid.TextLength];
        guid.TryFormat(text, out _);
        return new string(text);
    }

    /// <summary>SHA-256 of the big-endian modulus of an RSA key in a PEM file (public or private key, or a certificate).</summary>
    public static byte[] ModulusHashFromPem(string path)
    {
        string pem = ReadKeyText(path);
        using RSA rsa = pem.Contains("CERTIFICATE", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(pem).GetRSAPublicKey() ?? throw new ArgumentException(path + ": certificate key is not RSA")
            : ImportRsa(pem);
        return SHA256.HashData(rsa.ExportParameters(false).Modulus!);
    }

    /// <summary>
    /// Refuses a PEM that holds no unencrypted private key, naming what it holds instead: OpenSSL's own text for a
    /// public key ("error:1C880004:Provider routines::RSA lib") says nothing an operator can act on.
    /// </summary>
    /// <exception cref="ArgumentException">No private key; the message names the option, the file and what it is.</exception>
    public static void RequirePrivateKeyPem(string pem, string path, string option)
    {
        if (pem.Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal)
            || pem.Contains("-----BEGIN RSA PRIVATE KEY-----", StringComparison.Ordinal)
            || pem.Contains("-----BEGIN EC PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return;
        }
        string what =
            pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal) ? "an encrypted private key; decrypt it first (openssl pkey -in " + path + " -out plain-key.pem)"
            : pem.Contains("PUBLIC KEY-----", StringComparison.Ordinal) ? "a public key; signing needs the private key (the file openssl genrsa wrote, not the -pubout one)"
            : pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) ? "a certificate without its private key; give the private key (--key)"
            : "not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)";
        throw new ArgumentException(option + " " + path + " is " + what);
    }

    /// <summary>The RSA private key `image pack --format rsa2048` signs with.</summary>
    /// <exception cref="ArgumentException">It is not an unencrypted RSA private key; the message says what it is.</exception>
    public static RSA ImportRsaPrivateKey(string pem, string path, string option)
    {
        RequirePrivateKeyPem(pem, path, option);
        try
        {
            return ImportRsa(pem);
        }
        catch (CryptographicException)
        {
            throw new ArgumentException(option + " " + path + " is not a readable RSA private key (another key type, or damaged)");
        }
    }

    public static RSA ImportRsa(string pem)
    {
        RSA rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    /// <summary>Loads one certificate from DER or PEM and returns its DER bytes.</summary>
    public static byte[] CertificateDer(string path)
    {
        byte[] bytes = RegularFile.Read(path, ImageLimits.MaxKeyFileBytes);
        if (bytes.Length > 0 && bytes[0] == 0x30)
        {
            return bytes;
        }
        return X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(bytes)).RawData;
    }

    /// <summary>Every certificate in a PEM file (for --extra-cert).</summary>
    public static X509Certificate2Collection CertificatesFromPem(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(ReadKeyText(path));
        return collection;
    }

    /// <summary>A key or certificate file as text, read with <see cref="RegularFile"/> (regular file, at most 1 MiB).</summary>
    /// <exception cref="IOException">It cannot be read; the message says why.</exception>
    public static string ReadKeyText(string path) => Encoding.UTF8.GetString(RegularFile.Read(path, ImageLimits.MaxKeyFileBytes));
}
