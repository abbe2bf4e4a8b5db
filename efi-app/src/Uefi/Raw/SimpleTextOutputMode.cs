namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>SIMPLE_TEXT_OUTPUT_MODE (UEFI 2.10 §12.4). CursorVisible is a BOOLEAN.</summary>
public struct SimpleTextOutputMode
{
    public int MaxMode;
    public int Mode;
    public int Attribute;
    public int CursorColumn;
    public int CursorRow;
    public byte CursorVisible;
}
