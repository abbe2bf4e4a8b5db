using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// SMBIOS 2.1 (32-bit) entry point structure, anchor "_SM_" (DMTF DSP0134 3.7 §5.2.1, Table 1).
/// Byte-packed. Found through the configuration table entry <see cref="Guid"/> (UEFI 2.10 §4.6).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct SmbiosEntryPoint
{
    /// <summary>SMBIOS_TABLE_GUID (UEFI 2.10 §4.6.1).</summary>
    public static EfiGuid Guid => new(0xEB9D2D31, 0x2D88, 0x11D3, 0x9A, 0x16, 0x00, 0x90, 0x27, 0x3F, 0xC1, 0x4D);

    public fixed byte AnchorString[4];
    public byte EntryPointStructureChecksum;
    public byte EntryPointLength;
    public byte MajorVersion;
    public byte MinorVersion;
    public ushort MaxStructureSize;
    public byte EntryPointRevision;
    public fixed byte FormattedArea[5];
    public fixed byte IntermediateAnchorString[5];
    public byte IntermediateChecksum;
    public ushort TableLength;
    public uint TableAddress;
    public ushort NumberOfSmbiosStructures;
    public byte SmbiosBcdRevision;
}
