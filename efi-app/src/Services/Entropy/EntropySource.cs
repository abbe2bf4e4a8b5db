using System;
using System.Buffers.Binary;
using System.Runtime;
using System.Runtime.CompilerServices;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Services.Network;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Services.Entropy;

/// <summary>
/// This boot's entropy for every seed the app derives (netstack, DHCP xids, protocol client). Gathered
/// once, on the first seed, from the best source present: EFI_RNG_PROTOCOL (UEFI 2.10 §37.5), else
/// the CPU's RDRAND, else none. Without it, identical machines that boot together (a rack after a
/// power cut) would derive the same xids and nonces from MAC and firmware counters a peer can guess.
/// One line, <c>ENTROPY source=efi-rng|rdrand|mac-counter ...</c>, says which source it was.
/// The pool is 16 bytes of statics; nothing is allocated.
/// </summary>
internal static unsafe class EntropySource
{
    private static EntropyKind s_kind;
    private static ulong s_pool0;
    private static ulong s_pool1;
    private static ulong s_draws;

    public static EntropyKind Kind => s_kind;

    [RuntimeImport("*", "EfiCpuHasRdRand")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern uint CpuHasRdRand();

    [RuntimeImport("*", "EfiCpuRdRand64")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern uint CpuRdRand64(ulong* value);

    /// <summary>
    /// A fresh 64-bit seed: the pool mixed with <paramref name="machineInput"/> (the caller's old
    /// MAC-and-counter value), the firmware's next monotonic count, the tick clock and a per-boot
    /// draw number (<see cref="EntropyMix.Derive"/>). Gathers the pool and prints the ENTROPY line on first use.
    /// </summary>
    public static ulong DeriveSeed(SystemTable* systemTable, ulong machineInput)
    {
        EnsureGathered(systemTable);
        return DeriveSeed(systemTable->BootServices, machineInput);
    }

    /// <summary>As above, for callers without the system table; gathers silently if nobody did yet.</summary>
    public static ulong DeriveSeed(BootServices* boot, ulong machineInput)
    {
        if (s_kind == EntropyKind.None)
            Gather(boot, null);
        ulong monotonic = 0;
        boot->GetNextMonotonicCount(&monotonic);
        s_draws++;
        return EntropyMix.Derive(s_pool0, s_pool1, machineInput, monotonic ^ ((ulong)MonotonicClock.Now.Milliseconds << 32), s_draws);
    }

    /// <summary>Fills the pool from the first source that works and prints which one. Later calls do nothing.</summary>
    public static void EnsureGathered(SystemTable* systemTable)
    {
        if (s_kind == EntropyKind.None)
            Gather(systemTable->BootServices, systemTable);
    }

    private static void Gather(BootServices* boot, SystemTable* printTo)
    {
        Span<char> detail = stackalloc char[120];
        var report = new ConsoleLine(detail).Append(" efi-rng=");
        if (TryEfiRng(boot, ref report))
        {
            s_kind = EntropyKind.EfiRng;
            report = report.Append(" rdrand=not-tried");
        }
        else
        {
            report = report.Append(" rdrand=");
            s_kind = TryRdRand(ref report) ? EntropyKind.RdRand : EntropyKind.MacCounter;
        }

        if (printTo == null)
            return;
        Span<char> line = stackalloc char[160];
        new ConsoleLine(line).Append("ENTROPY source=").Append(Name(s_kind)).Append(report.Text).WriteLine(printTo);
    }

    public static ReadOnlySpan<char> Name(EntropyKind kind) => kind switch
    {
        EntropyKind.EfiRng => "efi-rng",
        EntropyKind.RdRand => "rdrand",
        EntropyKind.MacCounter => "mac-counter",
        _ => "none",
    };

    private static bool TryEfiRng(BootServices* boot, ref ConsoleLine report)
    {
        EfiResult located = UefiRng.Locate(new UefiBootServices(boot, EfiHandle.Null), out RngProtocol* rng);
        if (!located.IsSuccess)
        {
            report = report.Append("absent");
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        EfiResult filled = UefiRng.Fill(rng, bytes);
        if (!filled.IsSuccess)
        {
            report = report.Append("error-").AppendHex((ulong)filled.Status.Value);
            return false;
        }

        // Two equal halves (all-zero included) are a driver returning a constant: 2^-64 otherwise.
        return TryKeep(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(8)), ref report);
    }

    private static bool TryRdRand(ref ConsoleLine report)
    {
        if (CpuHasRdRand() == 0)
        {
            report = report.Append("unsupported");
            return false;
        }

        ulong a = 0;
        ulong b = 0;
        if (CpuRdRand64(&a) == 0 || CpuRdRand64(&b) == 0)
        {
            report = report.Append("failed");
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
            report = report.Append("constant");
            return false;
        }

        s_pool0 = a;
        s_pool1 = b;
        report = report.Append("ok");
        return true;
    }

}
