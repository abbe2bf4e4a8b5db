using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Netstack.Phy;
using NetMac = UefiRecovery.Netstack.Wire.MacAddress;
using SnpMac = UefiRecovery.Efi.Uefi.Raw.MacAddress;

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
/// </summary>
internal sealed unsafe class SnpFrameDevice : IFrameDevice
{
    public const int TransmitBufferCount = 16;

    /// <summary>Per buffer: an Ethernet frame (1514) rounded up, so every buffer starts 64-byte aligned.</summary>
    private const int BufferSize = 1536;

    private const int EthernetHeaderLength = 14;
    private const int MinimumFrameLength = 60;
    private const int MaxMulticast = 16;

    private const byte SlotFree = 0;
    private const byte SlotLent = 1;
    private const byte SlotInFlight = 2;

    private readonly BootServices* _boot;
    private readonly void* _handle;
    private readonly void* _agent;
    private SimpleNetworkProtocol* _snp;
    private byte* _rx;
    private byte* _tx;
    private readonly byte[] _slotState = new byte[TransmitBufferCount];
    private int _lentSlot = -1;
    private int _lentLength;
    private readonly NetMac[] _multicast = new NetMac[MaxMulticast];
    private int _multicastCount;

    private SnpFrameDevice(BootServices* boot, void* handle, void* agent)
    {
        _boot = boot;
        _handle = handle;
        _agent = agent;
    }

    public NetMac MacAddress { get; private set; }

    public int MaximumFrameLength { get; private set; }

    public SnpCounters Counters { get; } = new SnpCounters();

    /// <summary>Gets a look at each accepted frame before the stack (may be null).</summary>
    public IReceivedFrameObserver? Observer { get; set; }

    /// <summary>SNP state found at open time, before the bring-up.</summary>
    public SimpleNetworkState StateAtOpen { get; private set; }

    public SimpleNetworkMode* Mode => _snp->Mode;

    /// <summary>Which receive filter bits are enabled (SNP's ReceiveFilterSetting after our call).</summary>
    public uint ReceiveFilterSetting => _snp->Mode->ReceiveFilterSetting;

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
    public static SnpOpenStatus TryOpen(BootServices* boot, void* imageHandle, void* handle, out SnpFrameDevice? device, out EfiStatus status)
    {
        device = null;
        var created = new SnpFrameDevice(boot, handle, imageHandle);
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
        EfiGuid guid = SimpleNetworkProtocol.Guid;
        void* iface = null;
        status = _boot->OpenProtocol(_handle, &guid, &iface, _agent, null, OpenProtocolAttributes.Exclusive);
        if (status.IsError || iface == null)
            return SnpOpenStatus.OpenFailed;
        _snp = (SimpleNetworkProtocol*)iface;

        SimpleNetworkMode* mode = _snp->Mode;
        StateAtOpen = mode->State;
        if (mode->HwAddressSize != 6 || mode->MediaHeaderSize != EthernetHeaderLength)
            return SnpOpenStatus.NotEthernet;

        void* rx = null;
        void* tx = null;
        status = _boot->AllocatePool(MemoryType.BootServicesData, BufferSize, &rx);
        if (status.IsError)
            return SnpOpenStatus.NoMemory;
        _rx = (byte*)rx;
        status = _boot->AllocatePool(MemoryType.BootServicesData, (nuint)(BufferSize * TransmitBufferCount), &tx);
        if (status.IsError)
            return SnpOpenStatus.NoMemory;
        _tx = (byte*)tx;

        SnpOpenStatus up = BringUp(out status);
        if (up != SnpOpenStatus.Ok)
            return up;

        // After Initialize, CurrentAddress and MaxPacketSize are valid (§24.1.5).
        MacAddress = ReadMac(&mode->CurrentAddress);
        MaximumFrameLength = (int)Math.Min((uint)(BufferSize - 22), mode->MediaHeaderSize + mode->MaxPacketSize);
        status = ApplyReceiveFilters();
        return status.IsError ? SnpOpenStatus.FiltersFailed : SnpOpenStatus.Ok;
    }

    /// <summary>
    /// Stopped → Start → Initialize; Started → Initialize; Initialized stays. An Initialize failure is
    /// retried once after Reset (or Shutdown) so a NIC left half-configured by someone else recovers.
    /// </summary>
    private SnpOpenStatus BringUp(out EfiStatus status)
    {
        SimpleNetworkMode* mode = _snp->Mode;
        status = EfiStatus.Success;
        if (mode->State == SimpleNetworkState.Stopped)
        {
            status = _snp->Start(_snp);
            if (status.IsError && status != EfiStatus.AlreadyStarted)
                return SnpOpenStatus.StartFailed;
        }
        if (mode->State == SimpleNetworkState.Started)
        {
            status = _snp->Initialize(_snp, 0, 0);
            if (status.IsError)
            {
                _snp->Reset(_snp, 1);
                status = _snp->Initialize(_snp, 0, 0);
            }
        }
        if (mode->State != SimpleNetworkState.Initialized)
            return SnpOpenStatus.InitializeFailed;
        status = EfiStatus.Success;
        return SnpOpenStatus.Ok;
    }

    /// <summary>After NOT_STARTED / DEVICE_ERROR: Reset; if that fails, Shutdown then the full bring-up.</summary>
    private void Recover()
    {
        Counters.Reinitializations++;
        SimpleNetworkMode* mode = _snp->Mode;
        bool ok = false;
        if (mode->State == SimpleNetworkState.Initialized)
        {
            ok = !_snp->Reset(_snp, 0).IsError;
            if (!ok)
                _snp->Shutdown(_snp);
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
    private EfiStatus ApplyReceiveFilters()
    {
        SimpleNetworkMode* mode = _snp->Mode;
        uint supported = mode->ReceiveFilterMask;
        uint enable = (SimpleNetworkReceiveFilter.Unicast | SimpleNetworkReceiveFilter.Broadcast) & supported;
        nuint listCount = 0;
        SnpMac* list = stackalloc SnpMac[MaxMulticast];
        if (_multicastCount > 0)
        {
            if (mode->MaxMCastFilterCount >= (uint)_multicastCount && (supported & SimpleNetworkReceiveFilter.Multicast) != 0)
            {
                enable |= SimpleNetworkReceiveFilter.Multicast;
                for (int i = 0; i < _multicastCount; i++)
                {
                    list[i] = default;
                    WriteMac(&list[i], _multicast[i]);
                }
                listCount = (nuint)_multicastCount;
            }
            else if ((supported & SimpleNetworkReceiveFilter.PromiscuousMulticast) != 0)
                enable |= SimpleNetworkReceiveFilter.PromiscuousMulticast;
            else
                enable |= supported & SimpleNetworkReceiveFilter.Promiscuous;
        }
        uint disable = supported & ~enable;
        // The multicast list is reset when we have none, so no group of an earlier user stays enabled.
        byte reset = (byte)(listCount == 0 && (supported & SimpleNetworkReceiveFilter.Multicast) != 0 ? 1 : 0);
        return _snp->ReceiveFilters(_snp, enable, disable, reset, listCount, listCount == 0 ? null : list);
    }

    public bool TryReceive(out ReadOnlySpan<byte> frame)
    {
        frame = default;
        if (_snp == null)
            return false;
        // A few attempts, so frames for other hosts do not cost the caller a whole poll round.
        for (int attempt = 0; attempt < 8; attempt++)
        {
            nuint length = BufferSize;
            EfiStatus status = _snp->Receive(_snp, null, &length, _rx, null, null, null);
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
            if (status.IsError)
            {
                Counters.ReceiveErrors++;
                return false;
            }
            if (length < EthernetHeaderLength || length > BufferSize)
            {
                Counters.ReceivedMalformed++;
                continue;
            }
            var received = new ReadOnlySpan<byte>(_rx, (int)length);
            if (!IsForUs(NetMac.Read(received)))
            {
                Counters.ReceivedNotForUs++;
                continue;
            }
            Counters.FramesReceived++;
            Observer?.OnFrameReceived(received);
            frame = received;
            return true;
        }
        return false;
    }

    public bool TryBeginTransmit(int length, out Span<byte> frame)
    {
        frame = default;
        if (_snp == null || _lentSlot >= 0 || length < EthernetHeaderLength || length > MaximumFrameLength)
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

        // HeaderSize 0: the frame already carries its Ethernet header (§24.1.14).
        EfiStatus status = _snp->Transmit(_snp, 0, (nuint)length, buffer, null, null, null);
        if (status == EfiStatus.NotReady)
        {
            // The driver's queue is full: take back what it finished and try once more.
            Recycle();
            status = _snp->Transmit(_snp, 0, (nuint)length, buffer, null, null, null);
        }
        if (!status.IsError)
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
        if (_snp == null || !group.IsMulticast)
            return false;
        for (int i = 0; i < _multicastCount; i++)
            if (_multicast[i].Equals(group)) return true;
        if (_multicastCount == MaxMulticast)
            return false;
        _multicast[_multicastCount++] = group;
        if (!ApplyReceiveFilters().IsError)
            return true;
        _multicastCount--;
        return false;
    }

    /// <summary>Takes back every TX buffer GetStatus reports as finished (§24.1.13).</summary>
    public void Recycle()
    {
        if (_snp == null)
            return;
        // Bounded: at most one address per buffer, plus one call that returns none.
        for (int i = 0; i <= TransmitBufferCount; i++)
        {
            uint interrupts = 0;
            void* recycled = null;
            if (_snp->GetStatus(_snp, &interrupts, &recycled).IsError || recycled == null)
                return;
            long offset = (byte*)recycled - _tx;
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
        if (_snp != null)
        {
            if (_snp->Mode->State == SimpleNetworkState.Initialized)
                _snp->Shutdown(_snp);
            if (_snp->Mode->State == SimpleNetworkState.Started)
                _snp->Stop(_snp);
            EfiGuid guid = SimpleNetworkProtocol.Guid;
            _boot->CloseProtocol(_handle, &guid, _agent, null);
            _snp = null;
            _boot->ConnectController(_handle, null, null, 1);
        }
        if (_rx != null)
        {
            _boot->FreePool(_rx);
            _rx = null;
        }
        if (_tx != null)
        {
            _boot->FreePool(_tx);
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

    private static NetMac ReadMac(SnpMac* mac) => NetMac.Read(new ReadOnlySpan<byte>(mac->Addr, 6));

    private static void WriteMac(SnpMac* destination, NetMac mac) => mac.Write(new Span<byte>(destination->Addr, 6));
}
