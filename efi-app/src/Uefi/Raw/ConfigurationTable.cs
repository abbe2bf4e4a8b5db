namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_CONFIGURATION_TABLE (UEFI 2.10 §4.6): one GUID-tagged pointer of the system table's array.</summary>
public unsafe struct ConfigurationTable
{
    public EfiGuid VendorGuid;
    public void* VendorTable;
}
