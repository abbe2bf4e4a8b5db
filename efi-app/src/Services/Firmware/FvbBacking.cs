namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>What backs an FVB instance's memory-mapped address (see <see cref="MemoryMapProbe"/>).</summary>
internal enum FvbBacking
{
    /// <summary>The memory map could not be read, or the FVB has no physical address.</summary>
    Unknown,

    /// <summary>In the memory map without write-back caching capability: a flash device mapped uncached (OVMF's pflash).</summary>
    Flash,

    /// <summary>Not in the memory map at all: MMIO the firmware did not describe; not RAM either.</summary>
    Unmapped,

    /// <summary>In a write-back-capable descriptor: system RAM, e.g. OVMF's EmuVariableFvbRuntimeDxe when no pflash is present.</summary>
    Ram,
}
