using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// A LAN attacker for the red-team tests (docs/protocol.md §9): it sees every broadcast datagram (the
/// machines' REQUESTs with their message id, MAC and address; the donors' DATA and STATUS_REQUEST with
/// session id and donor id), sends anything from any source address, and has an address of its own at which
/// it can talk to a donor like any machine. It does not see unicast between a machine and its donor and
/// cannot sign with the donor's key. Reactions are scheduled on the harness clock (<see cref="Tick"/>).
/// </summary>
internal sealed class SniffingAttacker
{
    public const uint OwnAddress = 0x0A0000C8; // 10.0.0.200

    private readonly SimulatedNetwork _network;
    private readonly List<(ulong At, Action<ulong> Action)> _scheduled = new();
    private readonly byte[] _send = new byte[ProtocolLimitsForTests.SlotSize];
    private readonly Random _random;
    private uint _messageId = 0xA7770000;

    public SniffingAttacker(SimulatedNetwork network, int seed)
    {
        _network = network;
        _random = new Random(seed);
        // Its own place on the segment, where a donor's unicast answers to it arrive.
        Own = new TestClientTransport(OwnAddress);
        network.AddClient(Own);
        network.UplinkTap = Observe;
    }

    /// <summary>The attacker's own network interface (a donor answers its REQUESTs here).</summary>
    public TestClientTransport Own { get; }

    /// <summary>Called for every broadcast REQUEST a machine sends: (request bytes, frame, source, now).</summary>
    public Action<byte[], RequestSeen, ulong>? OnRequest { get; set; }

    /// <summary>Every client datagram, broadcast or not (for the test's own assertions, not for the attacker).</summary>
    public Action<byte[], DatagramEndpoint, DatagramEndpoint, ulong>? TestObserver { get; set; }

    public uint Sent { get; private set; }
    public uint RequestsSeen { get; private set; }

    public readonly record struct RequestSeen(uint MessageId, ulong SenderId, DatagramEndpoint Source, RequestMessage Request);

    public void At(ulong at, Action<ulong> action) => _scheduled.Add((at, action));

    public void Tick(ulong now)
    {
        for (int i = 0; i < _scheduled.Count; i++)
        {
            if (_scheduled[i].At <= now)
            {
                var action = _scheduled[i].Action;
                _scheduled.RemoveAt(i--);
                action(now);
            }
        }
    }

    private void Observe(byte[] datagram, DatagramEndpoint source, DatagramEndpoint destination, ulong now)
    {
        TestObserver?.Invoke(datagram, source, destination, now);
        if (!SimulatedNetwork.IsBroadcast(destination.Address))
        {
            return; // unicast between a machine and its donor: the attacker does not see it (§9)
        }
        if (MessageFrame.TryParse(datagram, out MessageFrame frame) != WireStatus.Ok || frame.Type != MessageType.Request
            || RequestMessage.TryParse(frame, out RequestMessage request) != WireStatus.Ok)
        {
            return;
        }
        RequestsSeen++;
        OnRequest?.Invoke(datagram, new RequestSeen(frame.Header.MessageId, frame.Header.SenderId, source, request), now);
    }

    public uint NextMessageId() => _messageId++;

    public ulong RandomToken() => (ulong)_random.NextInt64(1, long.MaxValue);

    public Hash128 RandomHash() => new Hash128((ulong)_random.NextInt64(), (ulong)_random.NextInt64());

    /// <summary>Sends <paramref name="datagram"/> to the machines as if from <paramref name="spoofedSource"/>.</summary>
    public void SendAs(ReadOnlySpan<byte> datagram, in DatagramEndpoint spoofedSource, in DatagramEndpoint destination)
    {
        _network.SendToClients(datagram, spoofedSource, destination);
        Sent++;
    }

    /// <summary>An unsigned OFFER answering <paramref name="seen"/> with every field chosen by the attacker.</summary>
    public void SendOffer(in RequestSeen seen, in MessageIds ids, in OfferMessage offer, in DatagramEndpoint spoofedSource)
    {
        Check(offer.TryEmit(_send, ids, out int n));
        SendAs(_send.AsSpan(0, n), spoofedSource, new DatagramEndpoint(seen.Source.Address, ProtocolConstants.ClientPort));
    }

    /// <summary>An OFFER laid out as signed with <paramref name="modulus"/> (public), with a signature that is junk.</summary>
    public void SendBadlySignedOffer(in RequestSeen seen, in MessageIds ids, in OfferMessage offer, byte[] modulus, in DatagramEndpoint spoofedSource)
    {
        Check(offer.TryBeginSignedEmit(_send, ids, modulus));
        byte[] signature = new byte[OfferSignature.Rsa2048Bytes];
        _random.NextBytes(signature);
        signature[0] &= 0x7F;
        Check(OfferSignature.TryFinish(_send, signature, out int n));
        SendAs(_send.AsSpan(0, n), spoofedSource, new DatagramEndpoint(seen.Source.Address, ProtocolConstants.ClientPort));
    }

    /// <summary>A STATUS_REQUEST of (session, donor) to the broadcast address.</summary>
    public void SendStatusRequest(uint sessionId, ulong donorId, uint round, ushort windowMs, in DatagramEndpoint spoofedSource)
    {
        Check(new StatusRequestMessage(round, windowMs, 128, 0).TryEmit(_send, new MessageIds(NextMessageId(), sessionId, donorId), out int n));
        SendAs(_send.AsSpan(0, n), spoofedSource, new DatagramEndpoint(SimulatedNetwork.SubnetBroadcast, ProtocolConstants.ClientPort));
    }

    /// <summary>A whole image of the attacker's own (its manifest and every DATA) as session (sessionId, donorId), broadcast.</summary>
    public void SendWholeImage(byte[] image, FragmentGeometry geometry, ManifestTree manifest, uint sessionId, ulong donorId, ulong imageId, in DatagramEndpoint spoofedSource)
    {
        var broadcast = new DatagramEndpoint(SimulatedNetwork.SubnetBroadcast, ProtocolConstants.ClientPort);
        byte[] leaves = new byte[ManifestMessage.MaxLeafCount * Hash128.Length];
        byte[] proof = new byte[ManifestMessage.MaxProofLength * Hash128.Length];
        for (uint g = 0; g < manifest.Shape.GroupCount; g++)
        {
            manifest.TryWriteGroup(g, leaves, proof, out int lb, out int pb);
            Check(ManifestMessage.TryEmit(_send, new MessageIds(NextMessageId(), sessionId, donorId), manifest.Shape.FirstOf(g),
                leaves.AsSpan(0, lb), proof.AsSpan(0, pb), out int m));
            SendAs(_send.AsSpan(0, m), spoofedSource, broadcast);
        }
        for (uint i = 0; i < geometry.FragmentCount; i++)
        {
            Check(DataMessage.TryEmit(_send, new MessageIds(NextMessageId(), sessionId, donorId), i, 0,
                image.AsSpan((int)geometry.OffsetOf(i), geometry.LengthOf(i)), out int n));
            SendAs(_send.AsSpan(0, n), spoofedSource, broadcast);
        }
    }

    /// <summary>Forgets what arrived at the attacker's own address (mostly broadcast DATA).</summary>
    public void DrainOwn()
    {
        byte[] buffer = new byte[ProtocolLimitsForTests.SlotSize];
        while (Own.Inbox.Count > 0)
        {
            Own.TryReceive(buffer, out _);
        }
    }

    /// <summary>The last OFFER that arrived at the attacker's own address, or null.</summary>
    public byte[]? TakeOwnOffer()
    {
        byte[] buffer = new byte[ProtocolLimitsForTests.SlotSize];
        byte[]? offer = null;
        while (Own.Inbox.Count > 0)
        {
            int n = Own.TryReceive(buffer, out _);
            if (n > 0 && MessageFrame.TryParse(buffer.AsSpan(0, n), out MessageFrame f) == WireStatus.Ok && f.Type == MessageType.Offer)
            {
                offer = buffer.AsSpan(0, n).ToArray();
            }
        }
        return offer;
    }

    private static void Check(WireStatus status)
    {
        if (status != WireStatus.Ok)
        {
            throw new InvalidOperationException("attacker emit failed: " + status);
        }
    }
}
