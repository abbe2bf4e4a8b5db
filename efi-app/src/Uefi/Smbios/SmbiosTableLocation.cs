namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>Where an SMBIOS entry point says the structure table lies, and how to bound the walk over it.</summary>
public readonly struct SmbiosTableLocation
{
    public SmbiosTableLocation(ulong address, uint length, ushort structureCount, byte majorVersion, byte minorVersion, bool is64Bit)
    {
        Address = address;
        Length = length;
        StructureCount = structureCount;
        MajorVersion = majorVersion;
        MinorVersion = minorVersion;
        Is64Bit = is64Bit;
    }

    /// <summary>Physical address of the structure table (identity-mapped under UEFI boot services).</summary>
    public ulong Address { get; }

    /// <summary>2.x: the exact table length. 3.x: the table's maximum size; the walk ends at type 127.</summary>
    public uint Length { get; }

    /// <summary>2.x: NumberOfSmbiosStructures. 3.x: 0, meaning "not stated".</summary>
    public ushort StructureCount { get; }

    public byte MajorVersion { get; }
    public byte MinorVersion { get; }

    /// <summary>True for the SMBIOS 3.0 ("_SM3_") entry point.</summary>
    public bool Is64Bit { get; }
}
