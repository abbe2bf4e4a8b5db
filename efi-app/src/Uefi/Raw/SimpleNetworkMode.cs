namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>EFI_SIMPLE_NETWORK_MODE (UEFI 2.10 §24.1). The trailing BOOLEANs are one byte each.</summary>
public unsafe struct SimpleNetworkMode
{
    /// <summary>MAX_MCAST_FILTER_CNT.</summary>
    public const int MaxMCastFilterCnt = 16;

    public SimpleNetworkState State;
    public uint HwAddressSize;
    public uint MediaHeaderSize;
    public uint MaxPacketSize;
    public uint NvRamSize;
    public uint NvRamAccessSize;
    public uint ReceiveFilterMask;
    public uint ReceiveFilterSetting;
    public uint MaxMCastFilterCount;
    public uint MCastFilterCount;

    /// <summary>
    /// MCastFilter[MAX_MCAST_FILTER_CNT]: 16 EFI_MAC_ADDRESS of 32 bytes each, as bytes because C#
    /// fixed buffers hold primitives only; entry i starts at i * MacAddress.Size.
    /// </summary>
    public fixed byte MCastFilter[MaxMCastFilterCnt * MacAddress.Size];

    public MacAddress CurrentAddress;
    public MacAddress BroadcastAddress;
    public MacAddress PermanentAddress;
    public byte IfType;
    public byte MacAddressChangeable;
    public byte MultipleTxSupported;
    public byte MediaPresentSupported;
    public byte MediaPresent;
}
