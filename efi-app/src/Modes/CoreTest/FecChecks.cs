#if PORTABLE_CORE
using UefiRecovery.Core.Protocol.Fec;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// The FEC code (docs/protocol.md §5.5) inside the firmware: a 64 × 1432-byte block loses 7 fragments and is
/// restored byte-exact from 7 parity fragments; a parity index out of range is refused. Prints the time of one
/// encode and one decode as the firmware runs them (no SIMD), for the figures.
/// </summary>
internal static class FecChecks
{
    private const int FragmentSize = 1432;
    private const int Sources = 64;
    private const int Missing = 7;
    private const int EncodeRuns = 16;
    private const int DecodeRuns = 4;

    public static void Run(CoreTestReport report)
    {
        byte[] block = new byte[Sources * FragmentSize];
        Fill(block);
        ErasureCode code = new ErasureCode(Missing, FragmentSize);
        byte[] pool = new byte[Missing * FragmentSize];
        byte[] parityIndices = new byte[Missing];
        ushort[] slots = new ushort[Missing];
        byte[] missing = new byte[Missing];
        for (int i = 0; i < Missing; i++)
        {
            parityIndices[i] = (byte)(i * 5 + 1);
            slots[i] = (ushort)i;
            missing[i] = (byte)(i * 9 + 2);
        }

        long encodeStart = MonotonicClock.Now.Milliseconds;
        bool encoded = true;
        for (int run = 0; run < EncodeRuns; run++)
            encoded &= code.TryEncode(block, FragmentSize, parityIndices[run % Missing], new Span<byte>(pool, (run % Missing) * FragmentSize, FragmentSize)) == FecStatus.Ok;
        long encodeMs = MonotonicClock.Now.Milliseconds - encodeStart;

        bool restored = encoded;
        long decodeMs = 0;
        for (int run = 0; run < DecodeRuns && restored; run++)
        {
            for (int i = 0; i < Missing; i++)
                restored &= code.TryEncode(block, FragmentSize, parityIndices[i], new Span<byte>(pool, i * FragmentSize, FragmentSize)) == FecStatus.Ok;
            for (int i = 0; i < Missing; i++)
                new Span<byte>(block, missing[i] * FragmentSize, FragmentSize).Fill(0xEE);
            long start = MonotonicClock.Now.Milliseconds;
            restored &= code.TryDecode(block, FragmentSize, missing, parityIndices, pool, slots) == FecStatus.Ok;
            decodeMs += MonotonicClock.Now.Milliseconds - start;
            restored &= IsPattern(block);
        }
        report.Check("fec.decode-restores-block", restored);
        report.Check("fec.parity-index-out-of-range-refused",
            code.TryEncode(block, FragmentSize, ErasureCode.MaxParityCount, new Span<byte>(pool, 0, FragmentSize)) == FecStatus.ParityIndexOutOfRange);

        new ConsoleLine(stackalloc char[200]).Append("CORETEST TIME fec encode-one-parity-of-64x1432 runs=").AppendDecimal((ulong)EncodeRuns)
            .Append(" total_ms=").AppendDecimal((ulong)encodeMs)
            .Append(" decode-7-of-64 runs=").AppendDecimal((ulong)DecodeRuns)
            .Append(" total_ms=").AppendDecimal((ulong)decodeMs)
            .WriteLine(report.Console);
    }

    private static void Fill(byte[] block)
    {
        for (int i = 0; i < block.Length; i++)
            block[i] = (byte)(i * 13 + (i >> 8));
    }

    private static bool IsPattern(byte[] block)
    {
        for (int i = 0; i < block.Length; i++)
        {
            if (block[i] != (byte)(i * 13 + (i >> 8)))
                return false;
        }
        return true;
    }
}
#endif
