namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_MEMORY_DESCRIPTOR (UEFI 2.10 §7.2, GetMemoryMap). Walk with the returned DescriptorSize, not sizeof.</summary>
public struct MemoryDescriptor
{
    public const uint Version = 1;

    public uint Type;
    public ulong PhysicalStart;
    public ulong VirtualStart;
    public ulong NumberOfPages;
    public ulong Attribute;
}
