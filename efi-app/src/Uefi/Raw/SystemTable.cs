namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_SYSTEM_TABLE (UEFI 2.10 §4.3). The image entry point receives a pointer to it.
/// Handles are EFI_HANDLE (VOID*), kept as <c>void*</c> as in the spec.
/// </summary>
public unsafe struct SystemTable
{
    /// <summary>"IBI SYST" read as a little-endian UINT64.</summary>
    public const ulong Signature = 0x5453595320494249;

    public TableHeader Hdr;
    public char* FirmwareVendor;
    public uint FirmwareRevision;
    public void* ConsoleInHandle;
    public SimpleTextInputProtocol* ConIn;
    public void* ConsoleOutHandle;
    public SimpleTextOutputProtocol* ConOut;
    public void* StandardErrorHandle;
    public SimpleTextOutputProtocol* StdErr;
    public RuntimeServices* RuntimeServices;
    public BootServices* BootServices;
    public nuint NumberOfTableEntries;
    public ConfigurationTable* ConfigurationTable;
}
