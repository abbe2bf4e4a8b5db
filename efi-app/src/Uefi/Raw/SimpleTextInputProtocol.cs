namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_SIMPLE_TEXT_INPUT_PROTOCOL (UEFI 2.10 §12.3). WaitForKey is an EFI_EVENT.
/// Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public unsafe struct SimpleTextInputProtocol : IUefiProtocol
{
    public static EfiGuid Guid => new(0x387477C1, 0x69C7, 0x11D2, 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B);

    public delegate* unmanaged<SimpleTextInputProtocol*, byte, EfiStatus> Reset;
    public delegate* unmanaged<SimpleTextInputProtocol*, InputKey*, EfiStatus> ReadKeyStroke;
    public void* WaitForKey;
}
