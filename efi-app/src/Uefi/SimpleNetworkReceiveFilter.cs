namespace UefiRecovery.Efi.Uefi;

/// <summary>Receive filter bits (UEFI 2.10 §24.1, EFI_SIMPLE_NETWORK_RECEIVE_*).</summary>
public static class SimpleNetworkReceiveFilter
{
    public const uint Unicast = 0x01;
    public const uint Multicast = 0x02;
    public const uint Broadcast = 0x04;
    public const uint Promiscuous = 0x08;
    public const uint PromiscuousMulticast = 0x10;
}
