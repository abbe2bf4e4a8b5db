using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Image;
using Xunit;

namespace UefiRecovery.Core.Tests.Image;

/// <summary>
/// Seeded mutation run over the EDK2 capsules: the verifier must never crash, and must never accept a mutant
/// whose signed bytes (SignedData and MonotonicCount) differ from the original's. Mutants that only touch
/// unsigned bytes the policy ignores (e.g. capsule Flags, reserved bytes) may still be accepted.
/// </summary>
public class CapsuleMutationTests
{
    /// <summary>Default run size (the brief asks for at least 100,000 mutants).</summary>
    public const int DefaultMutants = 100_000;

    // Header fields (offset, width) of the EDK2 layout, where lies are most interesting.
    private static readonly (int Offset, int Width)[] Fields =
    [
        (0x10, 4), (0x14, 4), (0x18, 4), (0x20, 4), (0x24, 2), (0x26, 2), (0x28, 8), (0x30, 4), (0x44, 1),
        (0x48, 4), (0x4C, 4), (0x50, 8), (0x58, 8), (0x60, 8), (0x68, 4), (0x6C, 2), (0x6E, 2),
    ];

    private static readonly uint[] InterestingValues = [0, 1, 2, 3, 7, 8, 15, 16, 24, 27, 28, 32, 0x7F, 0x80, 0xFF, 0x100,
        0x228, 0x229, 0x227, 0x1000, 0x1240, 0x12A0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFE, 0xFFFFFFFF];

    [Theory]
    [Trait("Category", "Mutation")] // ~50 s on the loaded 2-core machine; skip with --filter "Category!=Mutation"
    [InlineData(Edk2Vectors.RsaA, 20261121)]
    [InlineData(Edk2Vectors.RsaC, 11)]
    [InlineData(Edk2Vectors.RsaD, 12)]
    [InlineData(Edk2Vectors.Pkcs7A, 13)]
    public void Verify_SeededMutants_NeverCrashNeverAcceptChangedSignedBytes(string vector, int seed)
    {
        // A gets most of the run: it is the capsule that verifies, so it is where an accept could slip through.
        int count = vector == Edk2Vectors.RsaA ? DefaultMutants : DefaultMutants / 10;
        // The only bytes the trusted signers signed are those of A (C is A tampered, D signs A's bytes with an
        // untrusted key), so any accepted mutant must carry exactly A's signed bytes.
        string genuine = vector == Edk2Vectors.Pkcs7A ? Edk2Vectors.Pkcs7A : Edk2Vectors.RsaA;
        int accepted = RunMutants(Edk2Vectors.Read(vector), Edk2Vectors.Read(genuine), Edk2Vectors.TestKeyStore(), seed, count);
        if (vector == genuine)
        {
            // Mutants that only touch unsigned bytes the policy ignores (Flags, padding, reserved) stay acceptable,
            // so the "accepted, signed bytes unchanged" branch is really exercised.
            Assert.True(accepted > 0, "no mutant was accepted: the accept path was never checked");
        }
    }

    /// <summary>
    /// Mutates <paramref name="original"/> <paramref name="count"/> times and checks each verdict: no crash, always a
    /// reason, and an accept only for a mutant whose signed bytes (SignedData || MonotonicCount) equal those of
    /// <paramref name="genuine"/>, the capsule the trusted signer really signed. Returns the number of accepts.
    /// </summary>
    internal static int RunMutants(byte[] original, byte[] genuine, TrustStore trust, int seed, int count)
    {
        var verifier = new CapsuleVerifier(trust);
        UpdateTarget target = Edk2Vectors.Target();
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(genuine, out FmpCapsule parsedGenuine));
        byte[] originalSigned = SignedBytes(parsedGenuine);

        var random = new Random(seed);
        byte[] buffer = new byte[original.Length + 64];
        int accepted = 0;
        for (int i = 0; i < count; i++)
        {
            int length = Mutate(original, buffer, random);
            ReadOnlySpan<byte> mutant = buffer.AsSpan(0, length);
            CapsuleVerdict verdict = verifier.Verify(mutant, target, out FmpCapsule capsule);
            Assert.True(verdict.Status != CapsuleStatus.None, "a verdict must always carry a reason");
            if (verdict.IsAccepted)
            {
                accepted++;
                byte[] signed = SignedBytes(capsule);
                Assert.True(signed.AsSpan().SequenceEqual(originalSigned), $"mutant {i} (seed {seed}) changed signed bytes and was accepted");
            }
        }
        return accepted;
    }

    private static byte[] SignedBytes(FmpCapsule capsule)
    {
        byte[] signed = new byte[capsule.SignedData.Length + 8];
        capsule.SignedData.CopyTo(signed);
        BinaryPrimitives.WriteUInt64LittleEndian(signed.AsSpan(capsule.SignedData.Length), capsule.Authentication.MonotonicCount);
        return signed;
    }

    private static int Mutate(byte[] original, byte[] buffer, Random random)
    {
        original.CopyTo(buffer, 0);
        int length = original.Length;
        int rounds = 1 + random.Next(3);
        for (int r = 0; r < rounds; r++)
        {
            // Weighted toward the headers (0..0x2A0), where every length and offset lives: a payload or signature
            // change is caught by the one RSA check, and each of those mutants costs a full verification.
            int kind = random.Next(16);
            kind = kind < 8 ? kind : kind < 12 ? 1 : kind < 15 ? 2 : 5;
            switch (kind)
            {
                case 0: // flip one bit anywhere
                    {
                        int at = random.Next(length);
                        buffer[at] ^= (byte)(1 << random.Next(8));
                        break;
                    }
                case 1: // flip one bit in the first 0x2A0 bytes (all headers)
                    {
                        int at = random.Next(Math.Min(length, 0x2A0));
                        buffer[at] ^= (byte)(1 << random.Next(8));
                        break;
                    }
                case 2: // a header field gets an interesting value
                case 3:
                    {
                        var (offset, width) = Fields[random.Next(Fields.Length)];
                        if (offset + width > length)
                        {
                            break;
                        }
                        ulong value = InterestingValues[random.Next(InterestingValues.Length)];
                        if (random.Next(4) == 0)
                        {
                            value = (ulong)(uint)length + (ulong)(random.Next(5) - 2); // near the real size
                        }
                        for (int b = 0; b < width; b++)
                        {
                            buffer[offset + b] = (byte)(value >> (8 * b));
                        }
                        break;
                    }
                case 4: // a random byte gets a boundary value
                    buffer[random.Next(length)] = (byte)(random.Next(2) == 0 ? 0x00 : 0xFF);
                    break;
                case 5: // truncate, then sometimes repair CapsuleImageSize so the inner checks are reached
                    {
                        length = random.Next(length + 1);
                        if (length >= 28 && random.Next(2) == 0)
                        {
                            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(24), (uint)length);
                        }
                        break;
                    }
                case 6: // append bytes and repair CapsuleImageSize (an item that lies about its end)
                    {
                        int extra = 1 + random.Next(Math.Min(32, buffer.Length - length));
                        if (length + extra <= buffer.Length)
                        {
                            random.NextBytes(buffer.AsSpan(length, extra));
                            length += extra;
                            if (length >= 28)
                            {
                                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(24), (uint)length);
                            }
                        }
                        break;
                    }
                default: // random bytes over a short run
                    {
                        int at = random.Next(length);
                        int run = Math.Min(length - at, 1 + random.Next(8));
                        random.NextBytes(buffer.AsSpan(at, run));
                        break;
                    }
            }
            if (length == 0)
            {
                break;
            }
        }
        return length;
    }
}
