using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// SHA-256 of a DER element with its first (identifier) octet replaced. RFC 5652 5.4: the signature
/// covers signedAttrs encoded with an EXPLICIT SET OF tag (0x31), not the IMPLICIT [0] (0xA0) it is
/// carried with; the length and content octets are the same. The element is copied to a bounded
/// stack buffer and hashed with the one-shot <see cref="Sha256.Hash"/>, so nothing is allocated.
/// </summary>
public static class RetaggedSha256
{
    /// <summary>
    /// Largest element accepted. Signed attributes from openssl/GenerateCapsule are about 230 bytes,
    /// signtool's a few hundred; 4 KiB leaves room without a large stack frame.
    /// </summary>
    public const int MaxEncodedLength = 4096;

    /// <summary>False (digest untouched) when <paramref name="encoded"/> is empty or longer than <see cref="MaxEncodedLength"/>.</summary>
    public static bool TryHash(ReadOnlySpan<byte> encoded, byte newTag, Span<byte> digest)
    {
        if (encoded.IsEmpty || encoded.Length > MaxEncodedLength || digest.Length < Sha256.DigestSize)
        {
            return false;
        }
        Span<byte> copy = stackalloc byte[MaxEncodedLength];
        copy = copy.Slice(0, encoded.Length);
        encoded.CopyTo(copy);
        copy[0] = newTag;
        return Sha256.Hash(copy, digest);
    }
}
