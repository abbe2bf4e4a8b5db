namespace UefiRecovery.Efi.Uefi;

/// <summary>EFI_INPUT_KEY (UEFI 2.10 §12.3, ReadKeyStroke).</summary>
public struct InputKey
{
    public ushort ScanCode;
    public char UnicodeChar;
}
