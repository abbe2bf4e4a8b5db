namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_IP_ADDRESS (UEFI 2.10 §2.3.1): a 16-byte union of IPv4/IPv6, 4-byte aligned.</summary>
public unsafe struct IpAddress
{
    public fixed uint Addr[4];
}
