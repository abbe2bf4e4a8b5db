using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// An attacker on the simulated segment (docs/protocol.md §9): it sees what is broadcast (session id and
/// donor id of every DATA) and sends anything with any source, but it does not see unicast traffic, so it
/// knows no member token or abort key. Every datagram it makes is well formed with a good CRC, so the
/// client's checks beyond the codec are what stop it.
/// </summary>
internal sealed class LanAttacker
{
    private readonly SimulatedNetwork _network;
    private readonly byte[] _send = new byte[ProtocolLimitsForTests.SlotSize];
    private readonly Random _random;
    private uint _messageId = 0xBAD00000;

    public LanAttacker(SimulatedNetwork network, int seed)
    {
        _network = network;
        _random = new Random(seed);
    }

    public uint Sent { get; private set; }

    /// <summary>A DATA for <paramref name="index"/> of the donor's session, with random bytes of the right length.</summary>
    public void ForgeData(ScriptedDonor donor, uint index)
    {
        byte[] fragment = new byte[donor.Geometry.LengthOf(index)];
        _random.NextBytes(fragment);
        Emit(DataMessage.TryEmit(_send, Ids(donor), index, 0, fragment, out int n), n, donor);
    }

    /// <summary>A MANIFEST for the group of <paramref name="index"/> with random leaves and proof of the right sizes.</summary>
    public void ForgeManifest(ScriptedDonor donor, uint index)
    {
        var shape = donor.ManifestShape;
        uint group = shape.GroupOf(index);
        byte[] leaves = new byte[shape.LeafCountOf(group) * 16];
        byte[] proof = new byte[shape.ProofLength * 16];
        _random.NextBytes(leaves);
        _random.NextBytes(proof);
        Emit(ManifestMessage.TryEmit(_send, Ids(donor), shape.FirstOf(group), leaves, proof, out int n), n, donor);
    }

    /// <summary>A PARITY for <paramref name="block"/> of the donor's session with random bytes of the right length.</summary>
    public void ForgeParity(ScriptedDonor donor, uint block, int parityIndex)
    {
        byte[] parity = new byte[donor.Geometry.FragmentSize];
        _random.NextBytes(parity);
        Emit(ParityMessage.TryEmit(_send, Ids(donor), block, parityIndex, 1, parity, out int n), n, donor);
    }

    /// <summary>A STATUS_REQUEST with the longest window the protocol allows and a round of its choosing.</summary>
    public void ForgeStatusRequest(ScriptedDonor donor, uint round)
    {
        Emit(new StatusRequestMessage(round, ProtocolLimits.MaxResponseWindowMs, 128, 0).TryEmit(_send, Ids(donor), out int n), n, donor);
    }

    /// <summary>An ABORT as if from the donor, with a guessed key.</summary>
    public void ForgeAbort(ScriptedDonor donor, DatagramEndpoint victim)
    {
        var abort = new AbortMessage(AbortReason.DonorShutdown, 0, new Hash128((ulong)_random.NextInt64(), (ulong)_random.NextInt64()));
        Send(abort.TryEmit(_send, Ids(donor), out int n), n, donor, victim);
    }

    /// <summary>A RESULT_ACK for every message id in a window, with a guessed token.</summary>
    public void ForgeResultAcks(ScriptedDonor donor, DatagramEndpoint victim, uint firstMessageId, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var ack = new ResultAckMessage(firstMessageId + (uint)i, (ulong)_random.NextInt64() | 1);
            Send(ack.TryEmit(_send, Ids(donor), out int n), n, donor, victim);
        }
    }

    private MessageIds Ids(ScriptedDonor donor) => new MessageIds(_messageId++, donor.SessionId, donor.DonorId);

    private void Emit(WireStatus status, int written, ScriptedDonor donor)
    {
        Send(status, written, donor, new DatagramEndpoint(donor.DeliveryAddress, ProtocolConstants.ClientPort));
    }

    private void Send(WireStatus status, int written, ScriptedDonor donor, in DatagramEndpoint destination)
    {
        if (status != WireStatus.Ok)
        {
            throw new InvalidOperationException("attacker emit failed: " + status);
        }
        // Spoofed source: the donor's own address and port.
        _network.SendToClients(_send.AsSpan(0, written), new DatagramEndpoint(donor.Address, ProtocolConstants.DonorPort), destination);
        Sent++;
    }
}
