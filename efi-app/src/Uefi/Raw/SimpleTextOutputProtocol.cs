namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL (UEFI 2.10 §12.4). Strings are NUL-terminated UCS-2 (CHAR16*).
/// Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public unsafe struct SimpleTextOutputProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x387477C2, 0x69C7, 0x11D2, 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B);

    public delegate* unmanaged<SimpleTextOutputProtocol*, byte, EfiStatus> Reset;
    public delegate* unmanaged<SimpleTextOutputProtocol*, char*, EfiStatus> OutputString;
    public delegate* unmanaged<SimpleTextOutputProtocol*, char*, EfiStatus> TestString;
    public delegate* unmanaged<SimpleTextOutputProtocol*, nuint, nuint*, nuint*, EfiStatus> QueryMode;
    public delegate* unmanaged<SimpleTextOutputProtocol*, nuint, EfiStatus> SetMode;
    public delegate* unmanaged<SimpleTextOutputProtocol*, nuint, EfiStatus> SetAttribute;
    public delegate* unmanaged<SimpleTextOutputProtocol*, EfiStatus> ClearScreen;
    public delegate* unmanaged<SimpleTextOutputProtocol*, nuint, nuint, EfiStatus> SetCursorPosition;
    public delegate* unmanaged<SimpleTextOutputProtocol*, byte, EfiStatus> EnableCursor;
    public SimpleTextOutputMode* Mode;
}
