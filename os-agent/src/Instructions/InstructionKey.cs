using System;
using System.Security.Cryptography;

namespace UefiRecovery.Agent.Instructions;

/// <summary>
/// One trusted instruction key: an RSA-2048 public key with exponent 65537, loaded from a PEM file
/// (SubjectPublicKeyInfo "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY"). <see cref="Id"/> is the first 8 bytes of
/// SHA-256 of the modulus, in hex: it names the key's counter file and the key in the log.
/// </summary>
internal sealed class InstructionKey
{
    private InstructionKey(string path, byte[] modulus, RSA rsa)
    {
        Path = path;
        Modulus = modulus;
        Rsa = rsa;
        Id = Convert.ToHexStringLower(SHA256.HashData(modulus).AsSpan(0, 8));
    }

    public string Path { get; }
    public byte[] Modulus { get; }
    public RSA Rsa { get; }
    public string Id { get; }

    public static bool TryLoad(string path, out InstructionKey? key, out string error)
    {
        key = null;
        error = "";
        RSA rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(System.IO.File.ReadAllText(path));
        }
        catch (Exception e) when (e is ArgumentException || e is CryptographicException || e is System.IO.IOException || e is UnauthorizedAccessException)
        {
            rsa.Dispose();
            error = path + ": not a PEM RSA public key (" + e.Message + ")";
            return false;
        }
        RSAParameters parameters = rsa.ExportParameters(false);
        if (parameters.Modulus == null || parameters.Modulus.Length != 256 || parameters.Modulus[0] < 0x80
            || parameters.Exponent == null || !parameters.Exponent.AsSpan().SequenceEqual(new byte[] { 1, 0, 1 }))
        {
            rsa.Dispose();
            error = path + ": instruction keys are RSA-2048 with exponent 65537 (docs/protocol.md §4.11)";
            return false;
        }
        key = new InstructionKey(path, parameters.Modulus, rsa);
        return true;
    }
}
