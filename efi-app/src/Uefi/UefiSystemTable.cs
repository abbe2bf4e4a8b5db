using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe layer over EFI_SYSTEM_TABLE (UEFI 2.10 §4.3) and this image's handle: what the entry point
/// hands the app, passed down by value (nothing keeps it in a static). Gives the safe boot and runtime
/// services, the consoles and the configuration tables; a table the firmware left null gives an
/// unavailable wrapper whose calls do nothing or fail.
/// </summary>
public readonly unsafe struct UefiSystemTable
{
    /// <summary>At most this many characters of FirmwareVendor are read (the firmware's string is unbounded).</summary>
    public const int MaxVendorLength = 120;

    private readonly SystemTable* raw;

    public UefiSystemTable(EfiHandle imageHandle, SystemTable* raw)
    {
        ImageHandle = imageHandle;
        this.raw = raw;
    }

    /// <summary>From the image entry point's two arguments (EFI_IMAGE_ENTRY_POINT, UEFI 2.10 §4.1).</summary>
    public static UefiSystemTable FromEntryPoint(void* imageHandle, void* systemTable) =>
        new(new EfiHandle(imageHandle), (SystemTable*)systemTable);

    public SystemTable* Raw => raw;

    public EfiHandle ImageHandle { get; }

    public UefiBootServices BootServices => new(raw->BootServices, ImageHandle);

    /// <summary>The runtime services; <see cref="UefiRuntimeServices.IsAvailable"/> is false when the table has none.</summary>
    public UefiRuntimeServices RuntimeServices => new(raw->RuntimeServices);

    public UefiConsole ConsoleOut => new(raw->ConOut);

    public UefiTextInput ConsoleIn => new(raw->ConIn);

    public uint FirmwareRevision => raw->FirmwareRevision;

    /// <summary>Copies FirmwareVendor ("EDK II") into <paramref name="destination"/>, at most its length; "(null)" when absent.</summary>
    public int CopyFirmwareVendor(Span<char> destination)
    {
        char* vendor = raw->FirmwareVendor;
        if (vendor == null)
        {
            ReadOnlySpan<char> none = "(null)";
            int shown = Math.Min(none.Length, destination.Length);
            none.Slice(0, shown).CopyTo(destination);
            return shown;
        }

        int length = 0;
        while (length < destination.Length && vendor[length] != '\0')
        {
            destination[length] = vendor[length];
            length++;
        }

        return length;
    }

    /// <summary>The configuration table with <paramref name="vendorGuid"/> (§4.6); null when there is none.</summary>
    public void* FindConfigurationTable(in EfiGuid vendorGuid) =>
        ConfigurationTables.TryFind(raw, vendorGuid, out void* table) ? table : null;
}
