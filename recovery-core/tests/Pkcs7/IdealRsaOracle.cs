using System;
using System.Collections.Generic;
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>
/// An ideal RSA signature oracle for fuzzing: a (modulus, exponent, digest, signature) tuple is valid
/// exactly when the real verifier accepted that same tuple while verifying the unmutated original.
/// This models an unforgeable signature scheme, so the mutation run exercises the DER, X.509, CMS and
/// chain logic (which bytes are hashed, which key is used, which checks are skipped) at full speed.
/// The real RSA path is fuzzed separately with fewer mutants.
/// </summary>
internal sealed class IdealRsaOracle
{
    private readonly HashSet<string> _valid = new HashSet<string>();

    public int RealCalls { get; private set; }

    public int OracleCalls { get; private set; }

    private static string Key(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
        => Convert.ToHexString(modulus) + "/" + Convert.ToHexString(exponent) + "/" + Convert.ToHexString(digest) + "/" + Convert.ToHexString(signature);

    /// <summary>Runs the real verifier and remembers every tuple it accepts.</summary>
    public readonly struct Recording : IRsaSha256Verifier
    {
        private readonly IdealRsaOracle _oracle;

        public Recording(IdealRsaOracle oracle) => _oracle = oracle;

        public bool Verify(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> sha256Digest, ReadOnlySpan<byte> signature)
        {
            _oracle.RealCalls++;
            bool valid = default(RsaPkcs1Sha256).Verify(modulus, publicExponent, sha256Digest, signature);
            if (valid)
            {
                _oracle._valid.Add(Key(modulus, publicExponent, sha256Digest, signature));
            }
            return valid;
        }
    }

    /// <summary>Answers from the recorded tuples only.</summary>
    public readonly struct Ideal : IRsaSha256Verifier
    {
        private readonly IdealRsaOracle _oracle;

        public Ideal(IdealRsaOracle oracle) => _oracle = oracle;

        public bool Verify(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> publicExponent, ReadOnlySpan<byte> sha256Digest, ReadOnlySpan<byte> signature)
        {
            _oracle.OracleCalls++;
            return _oracle._valid.Contains(Key(modulus, publicExponent, sha256Digest, signature));
        }
    }
}
