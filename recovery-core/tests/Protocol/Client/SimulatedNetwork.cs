using System;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// An in-memory IPv4 segment 10.0.0.0/24: donors send to clients (broadcast, multicast group, unicast),
/// clients send to donors, with seeded loss, duplication, corruption and reordering on the way.
/// Everything is preallocated; nothing is allocated per packet.
/// </summary>
internal sealed class SimulatedNetwork
{
    public const uint SubnetBroadcast = 0x0A0000FF;

    private readonly TestClientTransport[] _clients = new TestClientTransport[64];
    private readonly DatagramRing[] _held = new DatagramRing[64];
    private readonly ScriptedDonor[] _donors = new ScriptedDonor[8];
    private readonly byte[] _downScratch = new byte[ProtocolLimitsForTests.SlotSize];
    private readonly byte[] _upScratch = new byte[ProtocolLimitsForTests.SlotSize];
    private readonly byte[] _releaseScratch = new byte[ProtocolLimitsForTests.SlotSize];
    private int _clientCount;
    private int _donorCount;

    public SimulatedNetwork(ulong seed)
    {
        Downlink = new LinkFaults(seed);
        Uplink = new LinkFaults(seed * 31 + 7);
    }

    /// <summary>Donor → client direction.</summary>
    public LinkFaults Downlink { get; }

    /// <summary>Client → donor direction.</summary>
    public LinkFaults Uplink { get; }

    public uint DeliveredDown { get; private set; }

    /// <summary>
    /// Sees every client datagram before the donors do (test observers and, for broadcast ones, a LAN attacker,
    /// which reacts before a donor can: it has nothing to compute). Null: nothing is copied.
    /// </summary>
    public Action<byte[], DatagramEndpoint, DatagramEndpoint, ulong>? UplinkTap { get; set; }

    /// <summary>Drops chosen datagrams on their way up (client → donors), before any seeded fault. Null: none.</summary>
    public DatagramDropRule? UplinkDrop { get; set; }

    /// <summary>Drops chosen datagrams on their way down (donor → each client), before any seeded fault. Null: none.</summary>
    public DatagramDropRule? DownlinkDrop { get; set; }

    public void AddClient(TestClientTransport client)
    {
        _held[_clientCount] = new DatagramRing(1, ProtocolLimitsForTests.SlotSize);
        _clients[_clientCount++] = client;
    }

    public void AddDonor(ScriptedDonor donor)
    {
        _donors[_donorCount++] = donor;
    }

    public static bool IsBroadcast(uint address)
    {
        return address == DatagramEndpoint.LimitedBroadcast || address == SubnetBroadcast;
    }

    /// <summary>A donor's datagram to the client side.</summary>
    public void SendToClients(ReadOnlySpan<byte> datagram, in DatagramEndpoint source, in DatagramEndpoint destination)
    {
        for (int i = 0; i < _clientCount; i++)
        {
            TestClientTransport client = _clients[i];
            bool addressed = IsBroadcast(destination.Address) || destination.Address == client.Address
                || (client.JoinedGroup != 0 && destination.Address == client.JoinedGroup);
            if (addressed && destination.Port == ProtocolConstants.ClientPort)
            {
                DeliverDown(i, datagram, source);
            }
        }
    }

    private void DeliverDown(int clientIndex, ReadOnlySpan<byte> datagram, in DatagramEndpoint source)
    {
        if (DownlinkDrop is { } drop && drop(datagram))
        {
            return;
        }
        if (Downlink.ShouldLose())
        {
            return;
        }
        Span<byte> copy = _downScratch.AsSpan(0, datagram.Length);
        datagram.CopyTo(copy);
        if (Downlink.ShouldCorrupt() && copy.Length > 40)
        {
            // Damage the payload after the header: the header still looks right, only the CRC can tell.
            copy[40 + (int)Downlink.Next((uint)(copy.Length - 40))] ^= 0x5A;
        }
        TestClientTransport client = _clients[clientIndex];
        DatagramRing held = _held[clientIndex];
        if (Downlink.ShouldReorder() && held.Count == 0)
        {
            held.TryEnqueue(copy, source);
            return;
        }
        client.Inbox.TryEnqueue(copy, source);
        DeliveredDown++;
        if (Downlink.ShouldDuplicate())
        {
            client.Inbox.TryEnqueue(copy, source);
        }
        ReleaseHeld(clientIndex);
    }

    private void ReleaseHeld(int clientIndex)
    {
        DatagramRing held = _held[clientIndex];
        if (held.Count == 0)
        {
            return;
        }
        int length = held.TryDequeue(_releaseScratch, out DatagramEndpoint source);
        _clients[clientIndex].Inbox.TryEnqueue(_releaseScratch.AsSpan(0, length), source);
    }

    /// <summary>Moves every client datagram to the donors it is addressed to, and flushes reordered ones.</summary>
    public void Pump(ulong now)
    {
        for (int i = 0; i < _clientCount; i++)
        {
            TestClientTransport client = _clients[i];
            DatagramEndpoint from = new DatagramEndpoint(client.Address, ProtocolConstants.ClientPort);
            while (true)
            {
                int length = client.Outbox.TryDequeue(_upScratch, out DatagramEndpoint destination);
                if (length <= 0)
                {
                    break;
                }
                UplinkTap?.Invoke(_upScratch.AsSpan(0, length).ToArray(), from, destination, now);
                if ((UplinkDrop is { } drop && drop(_upScratch.AsSpan(0, length))) || Uplink.ShouldLose())
                {
                    continue;
                }
                for (int d = 0; d < _donorCount; d++)
                {
                    ScriptedDonor donor = _donors[d];
                    if ((IsBroadcast(destination.Address) || destination.Address == donor.Address)
                        && destination.Port == ProtocolConstants.DonorPort)
                    {
                        donor.Deliver(_upScratch.AsSpan(0, length), from, now);
                    }
                }
            }
        }
        for (int i = 0; i < _clientCount; i++)
        {
            ReleaseHeld(i);
        }
    }
}
