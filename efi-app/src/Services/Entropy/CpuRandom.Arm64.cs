using System.Runtime;
using System.Runtime.CompilerServices;

namespace UefiRecovery.Efi.Services.Entropy;

/// <summary>AArch64's random number register, RNDR (FEAT_RNG; runtime-shim/Native/CpuRandomStubs.Arm64.S).</summary>
internal static unsafe class CpuRandom
{
    /// <summary>The instruction's name in the ENTROPY line.</summary>
    public const string Name = "rndr";

    /// <summary>1 when the CPU has the register (ID_AA64ISAR0_EL1.RNDR).</summary>
    [RuntimeImport("*", "EfiCpuHasRndr")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern uint IsSupported();

    /// <summary>1 and *value set when RNDR delivered (within its retry budget), else 0.</summary>
    [RuntimeImport("*", "EfiCpuRndr64")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    public static extern uint TryRead64(ulong* value);
}
