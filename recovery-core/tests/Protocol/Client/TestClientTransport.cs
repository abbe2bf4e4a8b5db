using System;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>The client's end of the simulated network: an inbox the network fills, an outbox it drains.</summary>
internal sealed class TestClientTransport : IDatagramTransport
{
    public TestClientTransport(uint address, int capacity = 1024)
    {
        Address = address;
        Inbox = new DatagramRing(capacity, ProtocolLimitsForTests.SlotSize);
        Outbox = new DatagramRing(capacity, ProtocolLimitsForTests.SlotSize);
    }

    public uint Address { get; }
    public DatagramRing Inbox { get; }
    public DatagramRing Outbox { get; }
    public uint JoinedGroup { get; private set; }
    public uint Sent { get; private set; }

    public bool TrySend(in DatagramEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        Sent++;
        return Outbox.TryEnqueue(datagram, destination);
    }

    public int TryReceive(Span<byte> buffer, out DatagramEndpoint source)
    {
        while (true)
        {
            int length = Inbox.TryDequeue(buffer, out source);
            if (length >= 0)
            {
                return length;
            }
            // Longer than the buffer: dropped, as the interface specifies; try the next one.
        }
    }

    public bool TryJoinMulticastGroup(uint groupAddress)
    {
        JoinedGroup = groupAddress;
        return true;
    }
}

internal static class ProtocolLimitsForTests
{
    public const int SlotSize = 2048;
}
