using UefiRecovery.Efi.Uefi.Raw;
using MacAddress = UefiRecovery.Efi.Uefi.Raw.MacAddress;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe layer over EFI_SIMPLE_NETWORK_PROTOCOL (UEFI 2.10 §24.1): one raw call per method, the
/// status converted once, out-values returned only on success. Get the pointer from
/// <see cref="UefiBootServices.OpenExclusive{T}"/> so MnpDxe does not take the received frames;
/// after that open the NIC is Stopped and needs <see cref="Start"/> and <see cref="Initialize"/>.
/// </summary>
public readonly unsafe struct UefiSimpleNetwork
{
    private readonly SimpleNetworkProtocol* raw;

    public UefiSimpleNetwork(SimpleNetworkProtocol* raw) => this.raw = raw;

    public SimpleNetworkProtocol* Raw => raw;

    public SimpleNetworkMode* Mode => raw->Mode;

    /// <summary>
    /// Opens SNP on <paramref name="handle"/> EXCLUSIVE for this image (§7.3: drivers holding it BY_DRIVER,
    /// MnpDxe, are disconnected first) and keeps it open until <see cref="CloseExclusive"/>. Returns the
    /// OpenProtocol status; <paramref name="snp"/> is usable only when it is a success.
    /// </summary>
    public static EfiStatus OpenExclusive(UefiBootServices boot, EfiHandle handle, out UefiSimpleNetwork snp)
    {
        EfiStatus status = boot.OpenProtocol(handle, OpenProtocolAttributes.Exclusive, out SimpleNetworkProtocol* raw);
        snp = new UefiSimpleNetwork(raw);
        return status;
    }

    /// <summary>Gives back an <see cref="OpenExclusive"/> (CloseProtocol with this image as agent).</summary>
    public static EfiResult CloseExclusive(UefiBootServices boot, EfiHandle handle) => boot.CloseProtocol<SimpleNetworkProtocol>(handle);

    public bool IsOpen => raw != null;

    /// <summary>The interface's address: the same NIC's SNP installed on several handles has one address.</summary>
    public nuint InterfaceAddress => (nuint)raw;

    // EFI_SIMPLE_NETWORK_MODE (§24.1), read from the driver's mode structure at each call.
    public SimpleNetworkState State => raw->Mode->State;

    public uint HwAddressSize => raw->Mode->HwAddressSize;

    public uint MediaHeaderSize => raw->Mode->MediaHeaderSize;

    public uint MaxPacketSize => raw->Mode->MaxPacketSize;

    public uint ReceiveFilterMask => raw->Mode->ReceiveFilterMask;

    public uint ReceiveFilterSetting => raw->Mode->ReceiveFilterSetting;

    public uint MaxMCastFilterCount => raw->Mode->MaxMCastFilterCount;

    public bool MediaPresentSupported => raw->Mode->MediaPresentSupported != 0;

    public bool MediaPresent => raw->Mode->MediaPresent != 0;

    /// <summary>The first six bytes of CurrentAddress (an Ethernet MAC; valid after Initialize).</summary>
    public ReadOnlySpan<byte> CurrentAddress => new(raw->Mode->CurrentAddress.Addr, 6);

    public EfiResult Start() => EfiResult.From(raw->Start(raw));

    public EfiResult Stop() => EfiResult.From(raw->Stop(raw));

    /// <summary>Initialize (§24.1.5): allocates the driver's rings; 0 extra bytes asks for its defaults.</summary>
    public EfiResult Initialize(nuint extraReceiveBytes, nuint extraTransmitBytes) =>
        EfiResult.From(raw->Initialize(raw, extraReceiveBytes, extraTransmitBytes));

    public EfiResult Reset(bool extendedVerification) => EfiResult.From(raw->Reset(raw, extendedVerification ? (byte)1 : (byte)0));

    public EfiResult Shutdown() => EfiResult.From(raw->Shutdown(raw));

    /// <summary>ReceiveFilters (§24.1.8) without a multicast list: <see cref="SimpleNetworkReceiveFilter"/> bits.</summary>
    public EfiResult ReceiveFilters(uint enable, uint disable, bool resetMulticastFilter) =>
        EfiResult.From(raw->ReceiveFilters(raw, enable, disable, resetMulticastFilter ? (byte)1 : (byte)0, 0, null));

    /// <summary>The most multicast MACs <see cref="ReceiveFilters(uint, uint, bool, ReadOnlySpan{byte})"/> takes.</summary>
    public const int MaxMulticastList = 16;

    /// <summary>
    /// ReceiveFilters (§24.1.8) with a multicast list: <paramref name="multicastMacs"/> holds 6-byte Ethernet
    /// MACs back to back (empty for none), at most <see cref="MaxMulticastList"/>; each goes into the first six
    /// bytes of an EFI_MAC_ADDRESS. Another length is EFI_INVALID_PARAMETER, and nothing is called.
    /// </summary>
    public EfiResult ReceiveFilters(uint enable, uint disable, bool resetMulticastFilter, ReadOnlySpan<byte> multicastMacs)
    {
        const int EthernetMacLength = 6;
        int count = multicastMacs.Length / EthernetMacLength;
        if (multicastMacs.Length % EthernetMacLength != 0 || count > MaxMulticastList)
            return EfiResult.From(EfiStatus.InvalidParameter);
        MacAddress* list = stackalloc MacAddress[MaxMulticastList];
        new Span<byte>(list, MaxMulticastList * sizeof(MacAddress)).Clear();
        for (int i = 0; i < count; i++)
            multicastMacs.Slice(i * EthernetMacLength, EthernetMacLength).CopyTo(new Span<byte>(list[i].Addr, EthernetMacLength));
        return EfiResult.From(raw->ReceiveFilters(raw, enable, disable, resetMulticastFilter ? (byte)1 : (byte)0,
            (nuint)count, count == 0 ? null : list));
    }

    /// <summary>Statistics (§24.1.10); the counters are returned only when the driver supplied them.</summary>
    public EfiResult<NetworkStatistics> Statistics(bool reset)
    {
        NetworkStatistics statistics = default;
        nuint size = (nuint)sizeof(NetworkStatistics);
        EfiStatus status = raw->Statistics(raw, reset ? (byte)1 : (byte)0, &size, &statistics);
        return EfiResult<NetworkStatistics>.From(status, statistics);
    }

    /// <summary>GetStatus (§24.1.13): interrupt bits and a recycled transmit buffer.</summary>
    public EfiResult<SimpleNetworkStatus> GetStatus()
    {
        uint interrupts = 0;
        void* recycled = null;
        EfiStatus status = raw->GetStatus(raw, &interrupts, &recycled);
        return EfiResult<SimpleNetworkStatus>.From(status, new SimpleNetworkStatus(interrupts, recycled));
    }

    /// <summary>
    /// Transmit (§24.1.14) of a complete frame, media header included (HeaderSize 0). The send is
    /// asynchronous: the bytes must stay in place, unchanged, until <see cref="GetStatus"/> returns
    /// their address as <see cref="SimpleNetworkStatus.RecycledTransmitBuffer"/>. EFI_NOT_READY means
    /// the transmit queue is full: recycle buffers and try again.
    /// </summary>
    public EfiResult Transmit(ReadOnlySpan<byte> frame)
    {
        fixed (byte* bytes = frame)
        {
            return EfiResult.From(raw->Transmit(raw, 0, (nuint)frame.Length, bytes, null, null, null));
        }
    }

    /// <summary>
    /// Receive (§24.1.15) of the frame only (no header parsing asked of the driver): its length. EFI_NOT_READY
    /// (an error here) means no frame is waiting, EFI_BUFFER_TOO_SMALL a frame larger than the buffer, and
    /// EFI_BAD_BUFFER_SIZE a driver that claims more bytes than it was given.
    /// </summary>
    public EfiResult<int> ReceiveFrame(Span<byte> buffer)
    {
        nuint length = (nuint)buffer.Length;
        EfiStatus status;
        fixed (byte* bytes = buffer)
        {
            status = raw->Receive(raw, null, &length, bytes, null, null, null);
        }

        return EfiResult.ByteCount(status, length, buffer.Length);
    }

    /// <summary>
    /// Receive (§24.1.15) into <paramref name="buffer"/>. EFI_NOT_READY (an error here) means no frame
    /// is waiting; EFI_BUFFER_TOO_SMALL means the frame is larger than the buffer.
    /// </summary>
    public EfiResult<ReceivedFrame> Receive(Span<byte> buffer)
    {
        nuint headerSize = 0;
        nuint length = (nuint)buffer.Length;
        MacAddress source = default;
        MacAddress destination = default;
        ushort protocol = 0;
        EfiStatus status;
        fixed (byte* bytes = buffer)
        {
            status = raw->Receive(raw, &headerSize, &length, bytes, &source, &destination, &protocol);
        }

        if (!EfiResult.From(status).IsSuccess)
        {
            return EfiResult<ReceivedFrame>.Failure(status);
        }

        // A driver claiming more than it was given is broken; do not let the caller read past the buffer.
        if (length > (nuint)buffer.Length || headerSize > length)
        {
            return EfiResult<ReceivedFrame>.Failure(EfiStatus.DeviceError);
        }

        return EfiResult<ReceivedFrame>.Success(status, new ReceivedFrame((int)length, (int)headerSize, source, destination, protocol));
    }
}
