using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>Lookup in the system table's EFI_CONFIGURATION_TABLE array (UEFI 2.10 §4.6) by vendor GUID.</summary>
public static unsafe class ConfigurationTables
{
    /// <summary>
    /// Finds the first table with <paramref name="vendorGuid"/>. <paramref name="table"/> is null
    /// when there is none (or the system table lists none).
    /// </summary>
    public static bool TryFind(SystemTable* systemTable, in EfiGuid vendorGuid, out void* table)
    {
        table = null;
        ConfigurationTable* entries = systemTable->ConfigurationTable;
        if (entries == null)
        {
            return false;
        }

        for (nuint i = 0; i < systemTable->NumberOfTableEntries; i++)
        {
            if (entries[i].VendorGuid.Equals(vendorGuid))
            {
                table = entries[i].VendorTable;
                return table != null;
            }
        }

        return false;
    }
}
