using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Config;

/// <summary>
/// A root certificate read from the ESP (which the OS can write) is trusted only when its SHA-256 equals the
/// pin configured with it in a protected source (<c>uefirecovery.trust.x509=\path,sha256=...</c>).
/// </summary>
public static class PinnedCertificate
{
    /// <summary>True when <paramref name="der"/> is non-empty and hashes to <paramref name="pinnedSha256"/> (32 bytes).</summary>
    public static bool Matches(ReadOnlySpan<byte> der, ReadOnlySpan<byte> pinnedSha256)
    {
        if (der.IsEmpty || pinnedSha256.Length != Sha256.DigestSize)
            return false;
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        if (!Sha256.Hash(der, digest))
            return false;
        int difference = 0;
        for (int i = 0; i < digest.Length; i++)
            difference |= digest[i] ^ pinnedSha256[i];
        return difference == 0;
    }
}
