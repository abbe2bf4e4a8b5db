using UefiRecovery.Netstack.Phy;
using NetMac = UefiRecovery.Netstack.Wire.MacAddress;

namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// netstack's <see cref="IFrameDevice"/> over EFI_SIMPLE_NETWORK_PROTOCOL (UEFI 2.10 §24.1).
/// <list type="bullet">
/// <item>SNP is opened EXCLUSIVE, which disconnects MnpDxe; otherwise MNP's receive timer takes frames
/// from under us. The NIC is then brought from whatever state it is in to Initialized.</item>
/// <item>Receive polls (EFI_NOT_READY = nothing waiting) into one RX buffer; frames for other MACs are
/// dropped here, because several drivers (VirtioNetDxe) deliver everything whatever the filter says.</item>
/// <item>Transmit uses a fixed pool of <see cref="TransmitBufferCount"/> buffers. SNP transmits
/// asynchronously: a buffer is handed out again only after GetStatus returned its address.
/// Frames shorter than 60 bytes are zero-padded.</item>
/// <item>NOT_STARTED / DEVICE_ERROR from Transmit or Receive re-runs the bring-up (Reset, else Shutdown +
/// Initialize, else Start + Initialize) and drops the frame at hand.</item>
/// </list>
/// Buffers are firmware pool memory (stable addresses for the driver); nothing is allocated per frame.
/// Every firmware call goes through the safe layer (<see cref="UefiSimpleNetwork"/>, <see cref="UefiBootServices"/>).
/// </summary>
internal sealed unsafe class SnpFrameDevice : IFrameDevice
{
    public const int TransmitBufferCount = 16;

    /// <summary>Per buffer: an Ethernet frame (1514) rounded up, so every buffer starts 64-byte aligned.</summary>
    private const int BufferSize = 1536;

    private const int EthernetHeaderLength = 14;
    private const int MinimumFrameLength = 60;
    private const int MaxMulticast = UefiSimpleNetwork.MaxMulticastList;
    private const int MacLength = 6;

    private const byte SlotFree = 0;
    private const byte SlotLent = 1;
    private const byte SlotInFlight = 2;

    private readonly UefiBootServices _boot;
    private readonly EfiHandle _handle;
    private UefiSimpleNetwork _snp;
    private byte* _rx;
    private byte* _tx;
    private readonly byte[] _slotState = new byte[TransmitBufferCount];
    private int _lentSlot = -1;
    private int _lentLength;
    private readonly NetMac[] _multicast = new NetMac[MaxMulticast];
    private int _multicastCount;

    private SnpFrameDevice(UefiBootServices boot, EfiHandle handle)
    {
        _boot = boot;
        _handle = handle;
    }

    public NetMac MacAddress { get; private set; }

    public int MaximumFrameLength { get; private set; }

    public SnpCounters Counters { get; } = new SnpCounters();

    /// <summary>Gets a look at each accepted frame before the stack (may be null).</summary>
    public IReceivedFrameObserver? Observer { get; set; }

    /// <summary>SNP state found at open time, before the bring-up.</summary>
    public SimpleNetworkState StateAtOpen { get; private set; }

    /// <summary>The NIC's SNP (its mode: MTU, media, filters), for the bring-up's report.</summary>
    public UefiSimpleNetwork Nic => _snp;

    /// <summary>Which receive filter bits are enabled (SNP's ReceiveFilterSetting after our call).</summary>
    public uint ReceiveFilterSetting => _snp.ReceiveFilterSetting;

    public int InFlightCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < TransmitBufferCount; i++)
                if (_slotState[i] == SlotInFlight) n++;
            return n;
        }
    }

    /// <summary>
    /// Opens SNP on <paramref name="handle"/> exclusively, brings it to Initialized and enables
    /// unicast + broadcast reception. On failure nothing stays open and <paramref name="device"/> is null.
    /// </summary>
    public static SnpOpenStatus TryOpen(UefiBootServices boot, EfiHandle handle, out SnpFrameDevice? device, out EfiStatus status)
    {
        device = null;
        var created = new SnpFrameDevice(boot, handle);
        SnpOpenStatus result = created.Open(out status);
        if (result != SnpOpenStatus.Ok)
        {
            created.Close();
            return result;
        }
        device = created;
        return SnpOpenStatus.Ok;
    }

    private SnpOpenStatus Open(out EfiStatus status)
    {
        status = UefiSimpleNetwork.OpenExclusive(_boot, _handle, out _snp);
        if (!_snp.IsOpen)
            return SnpOpenStatus.OpenFailed;

        StateAtOpen = _snp.State;
        if (_snp.HwAddressSize != 6 || _snp.MediaHeaderSize != EthernetHeaderLength)
            return SnpOpenStatus.NotEthernet;

        EfiResult rx = _boot.AllocatePool(MemoryType.BootServicesData, BufferSize, out void* rxBuffer);
        status = rx.Status;
        if (!rx.IsSuccess)
            return SnpOpenStatus.NoMemory;
        _rx = (byte*)rxBuffer;
        EfiResult tx = _boot.AllocatePool(MemoryType.BootServicesData, (nuint)(BufferSize * TransmitBufferCount), out void* txBuffer);
        status = tx.Status;
        if (!tx.IsSuccess)
            return SnpOpenStatus.NoMemory;
        _tx = (byte*)txBuffer;

        SnpOpenStatus up = BringUp(out status);
        if (up != SnpOpenStatus.Ok)
            return up;

        // After Initialize, CurrentAddress and MaxPacketSize are valid (§24.1.5).
        MacAddress = NetMac.Read(_snp.CurrentAddress);
        MaximumFrameLength = (int)Math.Min((uint)(BufferSize - 22), _snp.MediaHeaderSize + _snp.MaxPacketSize);
        EfiResult filters = ApplyReceiveFilters();
        status = filters.Status;
        return filters.IsSuccess ? SnpOpenStatus.Ok : SnpOpenStatus.FiltersFailed;
    }

    /// <summary>
    /// Stopped → Start → Initialize; Started → Initialize; Initialized stays. An Initialize failure is
    /// retried once after Reset (or Shutdown) so a NIC left half-configured by someone else recovers.
    /// </summary>
    private SnpOpenStatus BringUp(out EfiStatus status)
    {
        status = EfiStatus.Success;
        if (_snp.State == SimpleNetworkState.Stopped)
        {
            EfiResult started = _snp.Start();
            status = started.Status;
            if (!started.IsSuccess && status != EfiStatus.AlreadyStarted)
                return SnpOpenStatus.StartFailed;
        }
        if (_snp.State == SimpleNetworkState.Started)
        {
            EfiResult initialized = _snp.Initialize(0, 0);
            status = initialized.Status;
            if (!initialized.IsSuccess)
            {
                _snp.Reset(extendedVerification: true);
                status = _snp.Initialize(0, 0).Status;
            }
        }
        if (_snp.State != SimpleNetworkState.Initialized)
            return SnpOpenStatus.InitializeFailed;
        status = EfiStatus.Success;
        return SnpOpenStatus.Ok;
    }

    /// <summary>After NOT_STARTED / DEVICE_ERROR: Reset; if that fails, Shutdown then the full bring-up.</summary>
    private void Recover()
    {
        Counters.Reinitializations++;
        bool ok = false;
        if (_snp.State == SimpleNetworkState.Initialized)
        {
            ok = _snp.Reset(extendedVerification: false).IsSuccess;
            if (!ok)
                _snp.Shutdown();
        }
        if (!ok)
            ok = BringUp(out _) == SnpOpenStatus.Ok;
        // A reset or re-initialized NIC has forgotten its transmit queue: every buffer is ours again.
        for (int i = 0; i < TransmitBufferCount; i++)
            if (_slotState[i] == SlotInFlight) _slotState[i] = SlotFree;
        if (ok)
            ApplyReceiveFilters();
    }

    /// <summary>
    /// Unicast + broadcast, and for joined groups the multicast list where the NIC has one
    /// (MaxMCastFilterCount &gt; 0), else promiscuous multicast, else promiscuous. Whatever the NIC
    /// lets through, <see cref="TryReceive"/> filters again in software.
    /// </summary>
    private EfiResult ApplyReceiveFilters()
    {
        uint supported = _snp.ReceiveFilterMask;
        uint enable = (SimpleNetworkReceiveFilter.Unicast | SimpleNetworkReceiveFilter.Broadcast) & supported;
        int listCount = 0;
        Span<byte> list = stackalloc byte[MaxMulticast * MacLength];
        if (_multicastCount > 0)
        {
            if (_snp.MaxMCastFilterCount >= (uint)_multicastCount && (supported & SimpleNetworkReceiveFilter.Multicast) != 0)
            {
                enable |= SimpleNetworkReceiveFilter.Multicast;
                for (int i = 0; i < _multicastCount; i++)
                    _multicast[i].Write(list.Slice(i * MacLength, MacLength));
                listCount = _multicastCount;
            }
            else if ((supported & SimpleNetworkReceiveFilter.PromiscuousMulticast) != 0)
                enable |= SimpleNetworkReceiveFilter.PromiscuousMulticast;
            else
                enable |= supported & SimpleNetworkReceiveFilter.Promiscuous;
        }
        uint disable = supported & ~enable;
        // The multicast list is reset when we have none, so no group of an earlier user stays enabled.
        bool reset = listCount == 0 && (supported & SimpleNetworkReceiveFilter.Multicast) != 0;
        return _snp.ReceiveFilters(enable, disable, reset, list.Slice(0, listCount * MacLength));
    }

    public bool TryReceive(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        if (!_snp.IsOpen)
            return false;
        // A few attempts, so frames for other hosts do not cost the caller a whole poll round.
        for (int attempt = 0; attempt < 8; attempt++)
        {
            EfiResult<int> received = _snp.ReceiveFrame(new Span<byte>(_rx, BufferSize));
            EfiStatus status = received.Status;
            if (status == EfiStatus.NotReady)
                return false;
            if (status == EfiStatus.BufferTooSmall)
            {
                Counters.ReceivedTooLarge++;
                continue;
            }
            if (status == EfiStatus.NotStarted || status == EfiStatus.DeviceError)
            {
                Counters.ReceiveErrors++;
                Recover();
                return false;
            }
            // A driver that claims more bytes than it was given: the frame is not trusted.
            if (status == EfiStatus.BadBufferSize)
            {
                Counters.ReceivedMalformed++;
                continue;
            }
            if (!received.TryGetValue(out int length))
            {
                Counters.ReceiveErrors++;
                return false;
            }
            if (length < EthernetHeaderLength)
            {
                Counters.ReceivedMalformed++;
                continue;
            }
            var accepted = new ReadOnlySpan<byte>(_rx, length);
            if (!IsForUs(NetMac.Read(accepted)))
            {
                Counters.ReceivedNotForUs++;
                continue;
            }
            Counters.FramesReceived++;
            Observer?.OnFrameReceived(accepted);
            frame = accepted;
            return true;
        }
        return false;
    }

    public bool TryBeginTransmit(int length, out Span<byte> frame)
    {
        frame = default;
        if (!_snp.IsOpen || _lentSlot >= 0 || length < EthernetHeaderLength || length > MaximumFrameLength)
            return false;
        int slot = FindFreeSlot();
        if (slot < 0)
        {
            Recycle();
            slot = FindFreeSlot();
        }
        if (slot < 0)
        {
            Counters.TransmitNoBuffer++;
            return false;
        }
        _slotState[slot] = SlotLent;
        _lentSlot = slot;
        _lentLength = length;
        frame = new Span<byte>(_tx + slot * BufferSize, length);
        return true;
    }

    public void EndTransmit()
    {
        int slot = _lentSlot;
        if (slot < 0)
            return;
        _lentSlot = -1;
        byte* buffer = _tx + slot * BufferSize;
        int length = _lentLength;
        if (length < MinimumFrameLength)
        {
            new Span<byte>(buffer + length, MinimumFrameLength - length).Clear();
            length = MinimumFrameLength;
        }

        // The frame already carries its Ethernet header (HeaderSize 0, §24.1.14).
        var bytes = new ReadOnlySpan<byte>(buffer, length);
        EfiResult sent = _snp.Transmit(bytes);
        if (sent.Status == EfiStatus.NotReady)
        {
            // The driver's queue is full: take back what it finished and try once more.
            Recycle();
            sent = _snp.Transmit(bytes);
        }
        EfiStatus status = sent.Status;
        if (sent.IsSuccess)
        {
            _slotState[slot] = SlotInFlight;
            Counters.FramesSent++;
            return;
        }
        _slotState[slot] = SlotFree;
        Counters.TransmitDropped++;
        if (status == EfiStatus.NotStarted || status == EfiStatus.DeviceError)
            Recover();
    }

    public bool TryJoinMulticast(NetMac group)
    {
        if (!_snp.IsOpen || !group.IsMulticast)
            return false;
        for (int i = 0; i < _multicastCount; i++)
            if (_multicast[i].Equals(group)) return true;
        if (_multicastCount == MaxMulticast)
            return false;
        _multicast[_multicastCount++] = group;
        if (ApplyReceiveFilters().IsSuccess)
            return true;
        _multicastCount--;
        return false;
    }

    /// <summary>Takes back every TX buffer GetStatus reports as finished (§24.1.13).</summary>
    public void Recycle()
    {
        if (!_snp.IsOpen)
            return;
        // Bounded: at most one address per buffer, plus one call that returns none.
        for (int i = 0; i <= TransmitBufferCount; i++)
        {
            if (!_snp.GetStatus().TryGetValue(out SimpleNetworkStatus snpStatus) || snpStatus.RecycledTransmitBuffer == null)
                return;
            long offset = (byte*)snpStatus.RecycledTransmitBuffer - _tx;
            int slot = (int)(offset / BufferSize);
            if (offset < 0 || offset % BufferSize != 0 || slot >= TransmitBufferCount || _slotState[slot] != SlotInFlight)
            {
                Counters.UnknownRecycled++;
                continue;
            }
            _slotState[slot] = SlotFree;
            Counters.BuffersRecycled++;
        }
    }

    /// <summary>Media state: MediaPresentSupported / MediaPresent, refreshed through GetStatus (§24.1.13).</summary>
    public void RefreshMediaState()
    {
        Recycle();
    }

    /// <summary>
    /// Shuts the NIC down and stops it, closes the exclusive open, frees the buffers, and reconnects
    /// the controller so MnpDxe (and the firmware's network stack) gets it back.
    /// </summary>
    public void Close()
    {
        if (_snp.IsOpen)
        {
            if (_snp.State == SimpleNetworkState.Initialized)
                _snp.Shutdown();
            if (_snp.State == SimpleNetworkState.Started)
                _snp.Stop();
            UefiSimpleNetwork.CloseExclusive(_boot, _handle);
            _snp = default;
            _boot.ConnectController(_handle, recursive: true);
        }
        if (_rx != null)
        {
            _boot.FreePool(_rx);
            _rx = null;
        }
        if (_tx != null)
        {
            _boot.FreePool(_tx);
            _tx = null;
        }
    }

    private int FindFreeSlot()
    {
        for (int i = 0; i < TransmitBufferCount; i++)
            if (_slotState[i] == SlotFree) return i;
        return -1;
    }

    private bool IsForUs(NetMac destination)
    {
        if (destination.Equals(MacAddress) || destination.IsBroadcast)
            return true;
        for (int i = 0; i < _multicastCount; i++)
            if (_multicast[i].Equals(destination)) return true;
        return false;
    }
}
