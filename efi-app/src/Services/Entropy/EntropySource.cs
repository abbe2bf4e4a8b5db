using System.Buffers.Binary;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace UefiRecovery.Efi.Services.Entropy;

/// <summary>
/// This boot's entropy for every seed the app derives (netstack, DHCP xids, protocol client). Gathered
/// once, on the first seed, from the best source present: EFI_RNG_PROTOCOL (UEFI 2.10 §37.5), else
/// the CPU's random number instruction (<see cref="CpuRandom"/>: RDRAND on x64, RNDR on AArch64), else
/// none. Without it, identical machines that boot together (a rack after a power cut) would derive the
/// same xids and nonces from MAC and firmware counters a peer can guess.
/// One line, <c>ENTROPY source=efi-rng|rdrand|rndr|mac-counter ...</c>, says which source it was.
/// The pool is 16 bytes of statics; nothing is allocated.
/// </summary>
internal static unsafe class EntropySource
{
    private static EntropyKind s_kind;
    private static ulong s_pool0;
    private static ulong s_pool1;
    private static ulong s_draws;

    public static EntropyKind Kind => s_kind;

    /// <summary>
    /// A fresh 64-bit seed: the pool mixed with <paramref name="machineInput"/> (the caller's old
    /// MAC-and-counter value), the firmware's next monotonic count, the tick clock and a per-boot
    /// draw number (<see cref="EntropyMix.Derive"/>). Gathers the pool silently if nobody did yet
    /// (<see cref="EnsureGathered"/> prints the ENTROPY line).
    /// </summary>
    public static ulong DeriveSeed(UefiBootServices boot, ulong machineInput)
    {
        if (s_kind == EntropyKind.None)
            Gather(boot, default, print: false);
        ulong monotonic = boot.GetNextMonotonicCount().TryGetValue(out ulong count) ? count : 0;
        s_draws++;
        return EntropyMix.Derive(s_pool0, s_pool1, machineInput, monotonic ^ ((ulong)UefiTickTimer.Milliseconds << 32), s_draws);
    }

    /// <summary>Fills the pool from the first source that works and prints which one. Later calls do nothing.</summary>
    public static void EnsureGathered(UefiBootServices boot, UefiConsole console)
    {
        if (s_kind == EntropyKind.None)
            Gather(boot, console, print: true);
    }

    private static void Gather(UefiBootServices boot, UefiConsole console, bool print)
    {
        Span<char> detail = stackalloc char[120];
        var report = new ConsoleLine(detail).Append(" efi-rng=");
        if (TryEfiRng(boot, ref report))
        {
            s_kind = EntropyKind.EfiRng;
            report.Append(" ").Append(CpuRandom.Name).Append("=not-tried");
        }
        else
        {
            report.Append(" ").Append(CpuRandom.Name).Append("=");
            s_kind = TryCpuRandom(ref report) ? EntropyKind.CpuRandom : EntropyKind.MacCounter;
        }

        if (!print)
            return;
        Span<char> line = stackalloc char[160];
        new ConsoleLine(line).Append("ENTROPY source=").Append(Name(s_kind)).Append(report.Text).WriteLine(console);
    }

    public static ReadOnlySpan<char> Name(EntropyKind kind) => kind switch
    {
        EntropyKind.EfiRng => "efi-rng",
        EntropyKind.CpuRandom => CpuRandom.Name,
        EntropyKind.MacCounter => "mac-counter",
        _ => "none",
    };

    private static bool TryEfiRng(UefiBootServices boot, ref ConsoleLine report)
    {
        EfiResult located = UefiRng.Locate(boot, out UefiRng rng);
        if (!located.IsSuccess)
        {
            report.Append("absent");
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        EfiResult filled = rng.Fill(bytes);
        if (!filled.IsSuccess)
        {
            report.Append("error-").AppendHex((ulong)filled.Status.Value);
            return false;
        }

        // Two equal halves (all-zero included) are a driver returning a constant: 2^-64 otherwise.
        return TryKeep(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(8)), ref report);
    }

    private static bool TryCpuRandom(ref ConsoleLine report)
    {
        if (CpuRandom.IsSupported() == 0)
        {
            report.Append("unsupported");
            return false;
        }

        ulong a = 0;
        ulong b = 0;
        if (CpuRandom.TryRead64(&a) == 0 || CpuRandom.TryRead64(&b) == 0)
        {
            report.Append("failed");
            return false;
        }

        // Some AMD parts after a resume returned all ones with CF=1: a repeated value is not entropy.
        return TryKeep(a, b, ref report);
    }

    // Keeps two 64-bit draws as the pool unless they are equal (a source stuck on one value).
    private static bool TryKeep(ulong a, ulong b, ref ConsoleLine report)
    {
        if (a == b)
        {
            report.Append("constant");
            return false;
        }

        s_pool0 = a;
        s_pool1 = b;
        report.Append("ok");
        return true;
    }

}
