using System.Runtime.InteropServices;

namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// SMBIOS 3.0 (64-bit) entry point structure, anchor "_SM3_" (DMTF DSP0134 3.7 §5.2.2, Table 2).
/// Byte-packed. Found through the configuration table entry <see cref="Guid"/> (UEFI 2.10 §4.6).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public unsafe struct Smbios3EntryPoint
{
    /// <summary>SMBIOS3_TABLE_GUID (UEFI 2.10 §4.6.1).</summary>
    public static EfiGuid Guid => new(0xF2FD1544, 0x9794, 0x4A2C, 0x99, 0x2E, 0xE5, 0xBB, 0xCF, 0x20, 0xE3, 0x94);

    public fixed byte AnchorString[5];
    public byte EntryPointStructureChecksum;
    public byte EntryPointLength;
    public byte MajorVersion;
    public byte MinorVersion;
    public byte DocRev;
    public byte EntryPointRevision;
    public byte Reserved;
    public uint TableMaximumSize;
    public ulong TableAddress;
}
