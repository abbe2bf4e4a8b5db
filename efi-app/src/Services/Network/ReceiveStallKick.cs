namespace UefiRecovery.Efi.Services.Network;

/// <summary>
/// Sends a gratuitous ARP when nothing has been received for a second. iPXE's e1000 SNP stops
/// receiving after a flood fills its ring and refills it only when an interrupt cause is pending;
/// a transmit completion is one (found by qemu-tests/Bench: the e1000 flood never recovered
/// otherwise). On other NICs the announcement is harmless: at most one frame a second, only while idle.
/// </summary>
internal sealed class ReceiveStallKick
{
    public const long StallMilliseconds = 1000;

    private readonly SnpFrameDevice _device;
    private long _lastFramesReceived;
    private long _lastChangeMs;

    public ReceiveStallKick(SnpFrameDevice device, Instant now)
    {
        _device = device;
        _lastFramesReceived = device.Counters.FramesReceived;
        _lastChangeMs = now.Milliseconds;
    }

    /// <summary>Number of kicks sent so far.</summary>
    public long Kicks { get; private set; }

    public void Poll(Interface iface, Instant now)
    {
        long received = _device.Counters.FramesReceived;
        if (received != _lastFramesReceived)
        {
            _lastFramesReceived = received;
            _lastChangeMs = now.Milliseconds;
            return;
        }
        if (now.Milliseconds - _lastChangeMs < StallMilliseconds) return;
        iface.AnnounceAgain(now);
        _lastChangeMs = now.Milliseconds;
        Kicks++;
    }
}
