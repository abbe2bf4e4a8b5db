using System.Runtime;
using System.Runtime.CompilerServices;

namespace UefiRecovery.Efi.Services.Entropy;

/// <summary>x64's random number instruction, RDRAND (runtime-shim/Native/CpuRandomStubs.X64.S).</summary>
internal static unsafe class CpuRandom
{
    /// <summary>The instruction's name in the ENTROPY line.</summary>
    public const string Name = "rdrand";

    /// <summary>1 when the CPU has the instruction.</summary>
    [RuntimeImport("*", "EfiCpuHasRdRand")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern uint IsSupported();

    /// <summary>1 and *value set when the instruction delivered (within its retry budget), else 0.</summary>
    [RuntimeImport("*", "EfiCpuRdRand64")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern uint TryRead64(ulong* value);
}
