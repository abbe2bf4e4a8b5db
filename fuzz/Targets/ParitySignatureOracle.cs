using System;
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// A stand-in for RSA in the pkcs7 target: a signature "verifies" iff its last byte is even. The fuzzer
/// decides each signature's verdict with one bit, so it reaches every chain rule behind the signatures.
/// </summary>
public readonly struct ParitySignatureOracle : IRsaSha256Verifier
{
    public bool Verify(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> sha256Digest, ReadOnlySpan<byte> signature)
        => !signature.IsEmpty && (signature[signature.Length - 1] & 1) == 0;
}
