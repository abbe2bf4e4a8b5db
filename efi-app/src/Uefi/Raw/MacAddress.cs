namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_MAC_ADDRESS (UEFI 2.10 §2.3.1 / §24.1): 32 bytes, of which the first HwAddressSize are used
/// (6 for Ethernet). Byte-aligned.
/// </summary>
public unsafe struct MacAddress
{
    public const int Size = 32;

    public fixed byte Addr[32];
}
