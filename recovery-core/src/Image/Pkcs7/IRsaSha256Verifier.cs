using System;

namespace UefiRecovery.Core.Image.Pkcs7;

/// <summary>
/// The one public-key operation the PKCS7 verifier needs: RSASSA-PKCS1-v1_5 with SHA-256 over a
/// digest. <see cref="RsaPkcs1Sha256"/> is the real one; the seam exists so tests can substitute an
/// ideal (lookup) signature oracle and fuzz the parsing and chain logic at full speed.
/// </summary>
public interface IRsaSha256Verifier
{
    bool Verify(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> sha256Digest, ReadOnlySpan<byte> signature);
}
