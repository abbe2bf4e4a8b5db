using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// Finds the SMBIOS structure table through the system table's configuration tables (UEFI 2.10
/// §4.6.1): the 3.0 entry point first, the 2.1 one if there is no valid 3.0 one. The entry point is
/// validated before any table byte is exposed.
/// </summary>
public static unsafe class SmbiosFirmwareTable
{
    /// <summary>
    /// The structure table as a span over firmware memory, and the structure limit to walk it with
    /// (see <see cref="SmbiosStructureWalker"/>). False when no valid entry point exists.
    /// </summary>
    public static bool TryGetTable(UefiSystemTable system, out ReadOnlySpan<byte> table, out int structureLimit,
        out SmbiosTableLocation location) => TryGetTable(system.Raw, out table, out structureLimit, out location);

    /// <summary>As above, from the raw system table.</summary>
    public static bool TryGetTable(SystemTable* systemTable, out ReadOnlySpan<byte> table, out int structureLimit,
        out SmbiosTableLocation location)
    {
        table = default;
        structureLimit = 0;
        location = default;

        EfiGuid guid3 = Smbios3EntryPoint.Guid;
        if (ConfigurationTables.TryFind(systemTable, guid3, out void* entry3) &&
            SmbiosEntryPoints.TryParse30(EntryPointBytes(entry3, is64Bit: true), out location) == SmbiosEntryPointStatus.Valid)
        {
            return ExposeTable(location, out table, out structureLimit);
        }

        EfiGuid guid2 = SmbiosEntryPoint.Guid;
        if (ConfigurationTables.TryFind(systemTable, guid2, out void* entry2) &&
            SmbiosEntryPoints.TryParse21(EntryPointBytes(entry2, is64Bit: false), out location) == SmbiosEntryPointStatus.Valid)
        {
            return ExposeTable(location, out table, out structureLimit);
        }

        location = default;
        return false;
    }

    /// <summary>The entry point's bytes, as many as its own EntryPointLength byte declares.</summary>
    private static ReadOnlySpan<byte> EntryPointBytes(void* entry, bool is64Bit)
    {
        // The length byte sits within the first 7 bytes of either entry point.
        int declared = SmbiosEntryPoints.DeclaredLength(new ReadOnlySpan<byte>(entry, 7), is64Bit);
        return new ReadOnlySpan<byte>(entry, declared);
    }

    private static bool ExposeTable(SmbiosTableLocation location, out ReadOnlySpan<byte> table, out int structureLimit)
    {
        table = default;
        structureLimit = 0;
        if (location.Address == 0 || location.Length == 0 || location.Length > int.MaxValue)
        {
            return false;
        }

        table = new ReadOnlySpan<byte>((void*)location.Address, (int)location.Length);
        structureLimit = location.StructureCount;
        return true;
    }
}
