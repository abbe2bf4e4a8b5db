namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// One round of network work: receive frames, let the client engine run its timers (answering the
/// donor's STATUS_REQUEST, retransmitting RESULT), send what it queued, give TX buffers back.
/// Used by the receive loop and between flash operations, so a long write does not make the machine
/// look silent to the manager (which drops members that leave status rounds unanswered).
/// </summary>
internal sealed class RecoveryNetworkPump
{
    private readonly Interface _interface;
    private readonly ClientSession _client;
    private readonly SnpFrameDevice _device;
    private readonly UdpSocket _socket;
    private readonly ReceiveStallKick _kick;

    public RecoveryNetworkPump(Interface iface, ClientSession client, SnpFrameDevice device, UdpSocket socket)
    {
        _interface = iface;
        _client = client;
        _device = device;
        _socket = socket;
        _kick = new ReceiveStallKick(device, MonotonicClock.Now);
    }

    /// <summary>Frames handled by the interface in this round (0 = the caller may sleep until the next tick).</summary>
    public int Pump(out ClientEvents events)
    {
        Netstack.Instant now = MonotonicClock.Now;
        _kick.Poll(_interface, now);
        int handled = _interface.Poll(now);
        events = _client.Poll((ulong)now.Milliseconds);
        if (_socket.TransmitQueued > 0)
            _interface.Poll(now);
        _device.Recycle();
        return handled;
    }
}
