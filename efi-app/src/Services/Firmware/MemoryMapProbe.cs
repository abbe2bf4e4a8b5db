namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// Finds the memory-map descriptor (UEFI 2.10 §7.2 GetMemoryMap) that holds an address, to tell a
/// flash-backed FVB from a RAM-backed emulation. OVMF maps its pflash as a runtime range whose only
/// cache capability is UC (QemuFlashFvbServicesRuntimeDxe MarkMemoryRangeForRuntimeAccess: UC|RUNTIME),
/// while system RAM always offers WB. So: descriptor with EFI_MEMORY_WB → RAM; descriptor without → flash.
/// </summary>
internal static class MemoryMapProbe
{
    private const ulong MemoryWriteBack = 0x8;

    public static FvbBacking Classify(UefiBootServices boot, ulong address, out uint memoryType, out ulong attribute)
    {
        memoryType = 0;
        attribute = 0;
        EfiResult<MemoryDescriptor> found = boot.FindMemoryDescriptor(address);
        if (!found.TryGetValue(out MemoryDescriptor descriptor))
            return found.Status == EfiStatus.NotFound ? FvbBacking.Unmapped : FvbBacking.Unknown;
        memoryType = descriptor.Type;
        attribute = descriptor.Attribute;
        return (attribute & MemoryWriteBack) != 0 ? FvbBacking.Ram : FvbBacking.Flash;
    }
}
