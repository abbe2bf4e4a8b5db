namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_TABLE_HEADER (UEFI 2.10 §4.2.1): precedes every standard UEFI table.</summary>
public struct TableHeader
{
    public ulong Signature;
    public uint Revision;
    public uint HeaderSize;
    public uint Crc32;
    public uint Reserved;
}
