using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>RSASSA-PKCS1-v1_5 / SHA-256 verification by <see cref="RsaPkcs1Verifier"/> (RFC 8017 8.2.2).</summary>
public readonly struct RsaPkcs1Sha256 : IRsaSha256Verifier
{
    public bool Verify(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> sha256Digest, ReadOnlySpan<byte> signature)
        => RsaPkcs1Verifier.Verify(modulus, publicExponent, sha256Digest, signature) == RsaVerifyResult.Valid;
}
