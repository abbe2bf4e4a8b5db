using System;
using UefiRecovery.Efi.Uefi.Raw;

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

    /// <summary>Statistics (§24.1.10); the counters are returned only when the driver supplied them.</summary>
    public EfiResult<NetworkStatistics> Statistics(bool reset)
    {
        NetworkStatistics statistics = default;
        nuint size = (nuint)sizeof(NetworkStatistics);
        EfiStatus status = raw->Statistics(raw, reset ? (byte)1 : (byte)0, &size, &statistics);
        return EfiResult.From(status).IsSuccess
            ? EfiResult<NetworkStatistics>.Success(status, statistics)
            : EfiResult<NetworkStatistics>.Failure(status);
    }

    /// <summary>GetStatus (§24.1.13): interrupt bits and a recycled transmit buffer.</summary>
    public EfiResult<SimpleNetworkStatus> GetStatus()
    {
        uint interrupts = 0;
        void* recycled = null;
        EfiStatus status = raw->GetStatus(raw, &interrupts, &recycled);
        return EfiResult.From(status).IsSuccess
            ? EfiResult<SimpleNetworkStatus>.Success(status, new SimpleNetworkStatus(interrupts, recycled))
            : EfiResult<SimpleNetworkStatus>.Failure(status);
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
