using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Services.Firmware;

/// <summary>
/// Finds the memory-map descriptor (UEFI 2.10 §7.2 GetMemoryMap) that holds an address, to tell a
/// flash-backed FVB from a RAM-backed emulation. OVMF maps its pflash as a runtime range whose only
/// cache capability is UC (QemuFlashFvbServicesRuntimeDxe MarkMemoryRangeForRuntimeAccess: UC|RUNTIME),
/// while system RAM always offers WB. So: descriptor with EFI_MEMORY_WB → RAM; descriptor without → flash.
/// </summary>
internal static unsafe class MemoryMapProbe
{
    private const ulong MemoryWriteBack = 0x8;
    private const ulong PageSize = 4096;

    public static FvbBacking Classify(BootServices* boot, ulong address, out uint memoryType, out ulong attribute)
    {
        memoryType = 0;
        attribute = 0;
        nuint mapSize = 0;
        nuint mapKey = 0;
        nuint descriptorSize = 0;
        uint descriptorVersion = 0;
        boot->GetMemoryMap(&mapSize, null, &mapKey, &descriptorSize, &descriptorVersion);
        if (mapSize == 0 || descriptorSize < (nuint)sizeof(MemoryDescriptor))
        {
            return FvbBacking.Unknown;
        }

        // The pool allocation itself may add descriptors: leave room for a few more.
        mapSize += 8 * descriptorSize;
        void* buffer = null;
        if (boot->AllocatePool(MemoryType.LoaderData, mapSize, &buffer).IsError || buffer == null)
        {
            return FvbBacking.Unknown;
        }
        FvbBacking result = FvbBacking.Unknown;
        if (!boot->GetMemoryMap(&mapSize, (MemoryDescriptor*)buffer, &mapKey, &descriptorSize, &descriptorVersion).IsError)
        {
            result = FvbBacking.Unmapped;
            for (nuint offset = 0; descriptorSize <= mapSize - offset; offset += descriptorSize)
            {
                MemoryDescriptor* descriptor = (MemoryDescriptor*)((byte*)buffer + offset);
                ulong start = descriptor->PhysicalStart;
                if (address >= start && address - start < descriptor->NumberOfPages * PageSize)
                {
                    memoryType = descriptor->Type;
                    attribute = descriptor->Attribute;
                    result = (attribute & MemoryWriteBack) != 0 ? FvbBacking.Ram : FvbBacking.Flash;
                    break;
                }
            }
        }
        boot->FreePool(buffer);
        return result;
    }
}
