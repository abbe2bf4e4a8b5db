using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// One modelled machine's UDP, as its <see cref="Core.Protocol.Client.ClientSession"/> sees it: datagrams the network
/// delivered wait in a bounded receive queue (the NIC ring and socket buffer) until the machine polls; what it sends
/// goes onto the network at once.
/// </summary>
public sealed class ModelMachineTransport(ModelNetwork network, int machine, int queueLimit) : IDatagramTransport
{
    private readonly Queue<ModelFrame> _received = new();

    /// <summary>The multicast group the session joined (0: none).</summary>
    public uint JoinedGroup { get; private set; }

    public bool HasWaiting => _received.Count > 0;

    /// <summary>Queues a delivered datagram; false (dropped) when the queue is full.</summary>
    public bool Enqueue(ModelFrame frame)
    {
        if (_received.Count >= queueLimit) return false;
        _received.Enqueue(frame);
        return true;
    }

    public bool TrySend(in DatagramEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        network.FromMachine(machine, destination, datagram);
        return true;
    }

    public int TryReceive(Span<byte> buffer, out DatagramEndpoint source)
    {
        while (_received.TryDequeue(out ModelFrame? frame))
        {
            // Longer than the buffer: dropped, not truncated (IDatagramTransport's contract).
            if (frame.Bytes.Length > buffer.Length) continue;
            frame.Bytes.CopyTo(buffer);
            source = frame.Source;
            return frame.Bytes.Length;
        }
        source = default;
        return 0;
    }

    public bool TryJoinMulticastGroup(uint groupAddress)
    {
        JoinedGroup = groupAddress;
        return true;
    }
}
