namespace UefiRecovery.Efi.Uefi.Raw;

/// <summary>
/// EFI_SIMPLE_NETWORK_PROTOCOL (UEFI 2.10 §24.1), every slot in spec order. WaitForPacket is an
/// EFI_EVENT. MnpDxe binds SNP BY_DRIVER, so an app that sends and receives itself opens it
/// EXCLUSIVE. Calling convention: Microsoft x64 (see <see cref="BootServices"/>).
/// </summary>
public unsafe struct SimpleNetworkProtocol : IUefiProtocol
{
    /// <summary>EFI_SIMPLE_NETWORK_PROTOCOL_REVISION.</summary>
    public const ulong CurrentRevision = 0x0001_0000;

    public static EfiGuid Guid => new(0xA19832B9, 0xAC25, 0x11D3, 0x9A, 0x2D, 0x00, 0x90, 0x27, 0x3F, 0xC1, 0x4D);

    public ulong Revision;
    public delegate* unmanaged<SimpleNetworkProtocol*, EfiStatus> Start;
    public delegate* unmanaged<SimpleNetworkProtocol*, EfiStatus> Stop;
    public delegate* unmanaged<SimpleNetworkProtocol*, nuint, nuint, EfiStatus> Initialize;
    public delegate* unmanaged<SimpleNetworkProtocol*, byte, EfiStatus> Reset;
    public delegate* unmanaged<SimpleNetworkProtocol*, EfiStatus> Shutdown;

    /// <summary>(This, Enable, Disable, ResetMCastFilter, MCastFilterCnt, MCastFilter).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, uint, uint, byte, nuint, MacAddress*, EfiStatus> ReceiveFilters;

    /// <summary>(This, Reset, New).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, byte, MacAddress*, EfiStatus> StationAddress;

    /// <summary>(This, Reset, StatisticsSize in/out, StatisticsTable).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, byte, nuint*, NetworkStatistics*, EfiStatus> Statistics;

    /// <summary>(This, IPv6, IP, MAC).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, byte, IpAddress*, MacAddress*, EfiStatus> MCastIpToMac;

    /// <summary>(This, ReadWrite: TRUE reads, Offset, BufferSize, Buffer).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, byte, nuint, nuint, void*, EfiStatus> NvData;

    /// <summary>(This, InterruptStatus, TxBuf): TxBuf returns a completed transmit buffer, or null.</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, uint*, void**, EfiStatus> GetStatus;

    /// <summary>(This, HeaderSize, BufferSize, Buffer, SrcAddr, DestAddr, Protocol).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, nuint, nuint, void*, MacAddress*, MacAddress*, ushort*, EfiStatus> Transmit;

    /// <summary>(This, HeaderSize, BufferSize in/out, Buffer, SrcAddr, DestAddr, Protocol).</summary>
    public delegate* unmanaged<SimpleNetworkProtocol*, nuint*, nuint*, void*, MacAddress*, MacAddress*, ushort*, EfiStatus> Receive;

    public void* WaitForPacket;
    public SimpleNetworkMode* Mode;
}
