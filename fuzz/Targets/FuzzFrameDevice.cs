using System;
using UefiRecovery.Netstack.Phy;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// The netstack target's device: lends one queued frame at a time (an exactly sized array, so a read past
/// the frame throws) and accepts every transmit into one reused buffer, keeping only the last frame.
/// </summary>
public sealed class FuzzFrameDevice : IFrameDevice
{
    private readonly byte[] _tx = new byte[1514];
    private byte[]? _pending;
    private bool _transmitOpen;

    public FuzzFrameDevice(MacAddress mac)
    {
        MacAddress = mac;
    }

    public MacAddress MacAddress { get; }

    public int MaximumFrameLength => 1514;

    public int Transmitted { get; private set; }

    /// <summary>The last frame sent (valid until the next transmit).</summary>
    public ReadOnlySpan<byte> LastSent => _tx.AsSpan(0, _lastLength);

    private int _lastLength;

    public void Inject(byte[] frame) => _pending = frame;

    public bool TryReceive(out ReadOnlySpan<byte> frame)
    {
        frame = _pending;
        bool any = _pending != null;
        _pending = null;
        return any;
    }

    public bool TryBeginTransmit(int length, out Span<byte> frame)
    {
        InvariantViolation.Check(!_transmitOpen, "two transmits open at once");
        if (length < 0 || length > _tx.Length)
        {
            frame = default;
            return false;
        }
        _transmitOpen = true;
        frame = _tx.AsSpan(0, length);
        _lastLength = length;
        return true;
    }

    public void EndTransmit()
    {
        InvariantViolation.Check(_transmitOpen, "EndTransmit without TryBeginTransmit");
        _transmitOpen = false;
        Transmitted++;
    }

    public bool TryJoinMulticast(MacAddress group) => true;
}
