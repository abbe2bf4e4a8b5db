using System;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// What a machine's <c>uefirecovery.trust.manager</c> holds (docs/protocol.md §6.8): the SHA-256 of the
/// manager signing key's RSA modulus (big-endian, no leading zero), from a PEM file or given as hex.
/// </summary>
public static class ManagerKeyHash
{
    /// <summary>64 hex digits as they are, or the modulus hash of the RSA key or certificate in that PEM file.</summary>
    public static byte[] FromArgument(string argument)
    {
        if (argument.Length == 64 && IsHex(argument)) return Convert.FromHexString(argument);
        string text;
        try { text = File.ReadAllText(argument); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read {argument}: {e.Message}", e);
        }
        using RSA rsa = text.Contains("CERTIFICATE", StringComparison.Ordinal) ? LoadCertificateKey(text, argument) : LoadKey(text, argument);
        byte[] modulus = rsa.ExportParameters(includePrivateParameters: false).Modulus!;
        return SHA256.HashData(modulus);
    }

    private static RSA LoadKey(string pem, string path)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidDataException($"{path} is not an RSA key in PEM: {e.Message}", e);
        }
    }

    private static RSA LoadCertificateKey(string pem, string path)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return certificate.GetRSAPublicKey() ?? throw new InvalidDataException($"{path}: the certificate's key is not RSA");
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"{path} is not a PEM certificate: {e.Message}", e);
        }
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text) if (!Uri.IsHexDigit(c)) return false;
        return true;
    }
}
