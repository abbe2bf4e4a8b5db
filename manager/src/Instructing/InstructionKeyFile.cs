using System;
using System.IO;
using System.Security.Cryptography;

namespace UefiRecovery.Manager.Instructing;

/// <summary>The manager's instruction key: an RSA-2048 private key (PEM) with exponent 65537 (docs/operating.md §8.3).</summary>
internal static class InstructionKeyFile
{
    public static bool TryLoad(string path, out RSA? rsa, out byte[] modulus, out string error)
    {
        rsa = null;
        modulus = Array.Empty<byte>();
        error = "";
        RSA key = RSA.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            RSAParameters parameters = key.ExportParameters(includePrivateParameters: true);
            if (key.KeySize != 2048 || parameters.Exponent == null || !parameters.Exponent.AsSpan().SequenceEqual(new byte[] { 1, 0, 1 }))
            {
                error = path + ": instruction keys are RSA-2048 with exponent 65537";
                key.Dispose();
                return false;
            }
            modulus = parameters.Modulus!;
            rsa = key;
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is CryptographicException)
        {
            error = path + ": not an RSA private key in PEM (" + e.Message + ")";
            key.Dispose();
            return false;
        }
    }
}
