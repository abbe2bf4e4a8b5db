namespace UefiRecovery.Efi.Services.Entropy;

/// <summary>Which source filled this boot's entropy pool, best first (the order <see cref="EntropySource"/> tries them).</summary>
internal enum EntropyKind
{
    /// <summary>Not gathered yet.</summary>
    None = 0,

    /// <summary>EFI_RNG_PROTOCOL.GetRNG, default algorithm (UEFI 2.10 §37.5).</summary>
    EfiRng = 1,

    /// <summary>The CPU's random number instruction: RDRAND on x64, RNDR on AArch64 (<see cref="CpuRandom"/>).</summary>
    CpuRandom = 2,

    /// <summary>No hardware source: the pool is empty and seeds come from the MAC and counters alone.</summary>
    MacCounter = 3,
}
