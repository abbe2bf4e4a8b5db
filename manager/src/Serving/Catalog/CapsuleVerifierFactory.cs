using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Files;
using UefiRecovery.Manager.Images;

namespace UefiRecovery.Manager.Serving.Catalog;

/// <summary>
/// Builds the catalog's trust store from the command line: --trusted files (a PEM RSA key or certificate
/// trusts its modulus for RSA2048/SHA256 capsules; a certificate, PEM or DER, is also a PKCS7 root) and
/// --trusted-key-hash values (SHA-256 of a modulus, as in EDK2's PcdRsa2048Sha256PublicKeyBuffer).
/// </summary>
public static class CapsuleVerifierFactory
{
    /// <exception cref="InvalidDataException">A file or hash cannot be used as a trust anchor.</exception>
    public static ICatalogVerifier Create(IReadOnlyList<string> trustedFiles, IReadOnlyList<string> trustedKeyHashes) =>
        new TrustedCapsuleVerifier(TrustStoreLoader.Load(trustedFiles, trustedKeyHashes));
}

/// <summary>Loads trust anchors from files and hex hashes into the portable trust store (shared by serve and simulate).</summary>
public static class TrustStoreLoader
{
    private const int MaxTrustEntries = 64;

    /// <summary>
    /// What is wrong with a --trusted-key-hash value, or null when every one is 64 hex digits: a bad value on the
    /// command line (a usage error), checked apart from the files, which are configuration.
    /// </summary>
    public static string? KeyHashProblem(IReadOnlyList<string> trustedKeyHashes)
    {
        foreach (string hex in trustedKeyHashes)
        {
            string digits = hex.Trim();
            foreach (char c in digits)
                if (!char.IsAsciiHexDigit(c)) return "--trusted-key-hash is not hex: " + hex;
            if (digits.Length != 64) return "--trusted-key-hash must be 64 hex digits: " + hex;
        }
        return null;
    }

    /// <exception cref="InvalidDataException">A file or hash cannot be used as a trust anchor.</exception>
    public static TrustStore Load(IReadOnlyList<string> trustedFiles, IReadOnlyList<string> trustedKeyHashes)
    {
        var trust = new TrustStore(MaxTrustEntries, MaxTrustEntries, 1 << 20);
        foreach (string hex in trustedKeyHashes)
        {
            byte[] hash;
            try { hash = Convert.FromHexString(hex.Trim()); }
            catch (FormatException) { throw new InvalidDataException("--trusted-key-hash is not hex: " + hex); }
            if (!trust.TryAddKeyHash(hash)) throw new InvalidDataException("--trusted-key-hash must be 64 hex digits: " + hex);
        }
        foreach (string path in trustedFiles)
        {
            bool used = false;
            try
            {
                byte[] head = RegularFile.Read(path, ImageLimits.MaxKeyFileBytes);
                bool isDerCertificate = head.Length > 0 && head[0] == 0x30;
                bool isPemCertificate = !isDerCertificate && Encoding.UTF8.GetString(head).Contains("CERTIFICATE", StringComparison.Ordinal);
                if (!isDerCertificate)
                {
                    used |= trust.TryAddKeyHash(CliValues.ModulusHashFromPem(path));
                }
                if (isDerCertificate || isPemCertificate)
                {
                    used |= trust.TryAddRootCertificate(CliValues.CertificateDer(path));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidDataException(e.Message); // RegularFile's message names the file and why it cannot be read
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new InvalidDataException(path + ": not a PEM RSA key or a certificate (" + e.Message + ")");
            }
            if (!used) throw new InvalidDataException(path + ": nothing trusted from it (store full?)");
        }
        return trust;
    }
}
