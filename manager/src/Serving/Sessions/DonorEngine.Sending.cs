using System;
using System.Net;
using System.Threading;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Fec;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Pacing;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// What the donor sends (docs/protocol.md §4, §5.5, §7.2): DATA, MANIFEST and PARITY of each session as the pacer
/// allows, shared fairly between sessions; STATUS_REQUESTs; ABORTs. Everything goes to the <see cref="IDonorOutput"/>.
/// </summary>
public sealed partial class DonorEngine
{
    /// <summary>Sends DATA while the pacer allows; returns how long until it allows more (zero if not limited by it).</summary>
    private TimeSpan SendData(TimeSpan now, ISendPacer pacer, CancellationToken stoppingToken)
    {
        try
        {
            return SendDataUnflushed(now, pacer, stoppingToken);
        }
        finally
        {
            _output.Flush();
        }
    }

    private TimeSpan SendDataUnflushed(TimeSpan now, ISendPacer pacer, CancellationToken stoppingToken)
    {
        for (int budget = 0; budget < 512 && !stoppingToken.IsCancellationRequested; budget++)
        {
            ImageSession? session = NextSendingSession();
            if (session is null) return TimeSpan.Zero;
            int copies = session.Delivery == DeliveryMode.Unicast ? CountReceiving(session) : 1;
            int size = DataMessage.MessageLength(session.Geometry.FragmentSize) * Math.Max(copies, 1);
            if (!pacer.TryTake(size, out TimeSpan wait)) return wait;
            if (!session.TryTakeNextFragment(now, out uint index, out bool manifestFirst))
            {
                // §5.5: after a repair pass's DATA, the parity its BLOCK COUNTS asked for, block by block.
                if (session.TryTakeNextParityBlock(now, out uint block, out int firstParity, out int parityCount, out uint firstGroup, out uint groupCount))
                {
                    int sent = 0;
                    // A block overlaps at most 64 groups (its 64 fragments): the ones announced here, as bits.
                    ulong announced = 0;
                    for (uint g = firstGroup; g < firstGroup + groupCount; g++)
                    {
                        if (!session.TryAnnounceGroup(g)) continue;
                        sent += SendManifest(session, g);
                        announced |= 1UL << (int)(g - firstGroup);
                    }
                    for (int p = 0; p < parityCount; p++)
                        sent += SendParity(session, block, (firstParity + p) % ProtocolConstants.FecMaxParity, now);
                    // Further copies of those MANIFESTs go after the parity, not back to back, so one burst of loss
                    // does not take every copy.
                    for (int copy = 1; copy < session.ManifestCopies; copy++)
                        for (uint g = firstGroup; g < firstGroup + groupCount; g++)
                            if ((announced & (1UL << (int)(g - firstGroup))) != 0) sent += SendManifest(session, g);
                    pacer.Spend(Math.Max(0, sent - size));
                    ChargeShare(session, sent);
                }
                continue;
            }
            int manifestBytes = manifestFirst ? SendManifest(session, session.Manifest.Tree.Shape.GroupOf(index)) : 0;
            pacer.Spend(manifestBytes);
            SendFragment(session, index, now);
            // §5.5: --fec-proactive parity right after a block's last DATA of pass 0, then more copies of the MANIFESTs
            // of the groups that ended in it.
            int proactiveBytes = 0;
            if (session.TryTakeProactive(index, out ProactiveBurst burst))
            {
                for (int p = 0; p < burst.ParityCount; p++)
                    proactiveBytes += SendParity(session, burst.Block, (burst.FirstParity + p) % ProtocolConstants.FecMaxParity, now);
                for (int copy = 0; copy < burst.ExtraManifestCopies; copy++)
                    for (uint g = burst.FirstGroup; g < burst.FirstGroup + burst.GroupCount; g++)
                        proactiveBytes += SendManifest(session, g);
            }
            pacer.Spend(proactiveBytes);
            ChargeShare(session, size + manifestBytes + proactiveBytes);
        }
        return TimeSpan.Zero;
    }

    private static int CountReceiving(ImageSession session)
    {
        int n = 0;
        foreach (var client in session.Clients) if (client.State == MemberState.Receiving) n++;
        return n;
    }

    private void SendFragment(ImageSession session, uint index, TimeSpan now)
    {
        int length = session.Geometry.LengthOf(index);
        ReadOnlySpan<byte> fragment = session.Image.Bytes.AsSpan((int)session.Geometry.OffsetOf(index), length);
        var ids = new MessageIds(_nextMessageId++, session.SessionId, _donorId);
        if (session.GroupDestination is { } group && _output.TryReserve(group, out Span<byte> slot))
        {
            if (DataMessage.TryEmit(slot, ids, index, session.Pass, fragment, out int batched) != WireStatus.Ok) return;
            _output.Commit(batched);
            CountSent(batched);
            session.CountData(1, batched, now);
            return;
        }
        if (DataMessage.TryEmit(_sendBuffer, ids, index, session.Pass, fragment, out int written) != WireStatus.Ok) return;
        int copies = SendToSession(session, written, onlyReceiving: true);
        session.CountData(copies, written * copies, now);
    }

    /// <summary>
    /// Encodes parity <paramref name="parityIndex"/> of <paramref name="block"/> straight into a PARITY datagram
    /// (§4.14) and sends it where the session's DATA goes. Returns the bytes sent (all copies).
    /// </summary>
    private int SendParity(ImageSession session, uint block, int parityIndex, TimeSpan now)
    {
        FragmentGeometry g = session.Geometry;
        uint first = block * (uint)ProtocolConstants.FecBlockLength;
        uint last = Math.Min(g.FragmentCount, first + (uint)ProtocolConstants.FecBlockLength) - 1;
        int offset = (int)g.OffsetOf(first);
        int length = (int)(g.OffsetOf(last) + (ulong)g.LengthOf(last)) - offset;
        ReadOnlySpan<byte> source = session.Image.Bytes.AsSpan(offset, length);
        var ids = new MessageIds(_nextMessageId++, session.SessionId, _donorId);
        Span<byte> destination = _sendBuffer;
        bool batch = session.GroupDestination is { } group && _output.TryReserve(group, out destination);
        if (!batch) destination = _sendBuffer;
        if (ParityMessage.TryBeginEmit(destination, ids, block, parityIndex, session.Pass, g.FragmentSize, out Span<byte> parity) != WireStatus.Ok
            || _encoder.TryEncode(source, g.FragmentSize, parityIndex, parity) != FecStatus.Ok)
        {
            return 0;
        }
        int written = ParityMessage.FinishEmit(destination, g.FragmentSize);
        if (batch)
        {
            _output.Commit(written);
            CountSent(written);
            session.CountParity(1, written, now);
            return written;
        }
        int copies = SendToSession(session, written, onlyReceiving: true);
        session.CountParity(copies, written * copies, now);
        return written * copies;
    }

    /// <summary>
    /// Sends group <paramref name="group"/>'s MANIFEST (its leaves and proof, §4.10) to where the session's DATA
    /// goes, just before the group's first DATA of the pass. Returns the bytes sent (all copies).
    /// </summary>
    private int SendManifest(ImageSession session, uint group)
    {
        if (!session.Manifest.Tree.TryWriteGroup(group, _manifestLeaves, _manifestProof, out int leafBytes, out int proofBytes)) return 0;
        var ids = new MessageIds(_nextMessageId++, session.SessionId, _donorId);
        uint first = session.Manifest.Tree.Shape.FirstOf(group);
        ReadOnlySpan<byte> leaves = _manifestLeaves.AsSpan(0, leafBytes);
        ReadOnlySpan<byte> proof = _manifestProof.AsSpan(0, proofBytes);
        if (session.GroupDestination is { } destination && _output.TryReserve(destination, out Span<byte> slot))
        {
            if (ManifestMessage.TryEmit(slot, ids, first, leaves, proof, out int batched) != WireStatus.Ok) return 0;
            _output.Commit(batched);
            CountSent(batched);
            session.CountManifest(1, batched);
            return batched;
        }
        if (ManifestMessage.TryEmit(_sendBuffer, ids, first, leaves, proof, out int written) != WireStatus.Ok) return 0;
        int copies = SendToSession(session, written, onlyReceiving: true);
        session.CountManifest(copies, written * copies);
        return written * copies;
    }

    /// <summary>Sends the message in the send buffer to the session: once to the group, or to each (receiving) member.</summary>
    private int SendToSession(ImageSession session, int length, bool onlyReceiving)
    {
        if (session.GroupDestination is not null)
        {
            Send(length, session.GroupDestination);
            return 1;
        }
        int copies = 0;
        foreach (var client in session.Clients)
        {
            if (onlyReceiving ? client.State != MemberState.Receiving : !client.IsActive) continue;
            Send(length, ReplyTo(client.EndPoint));
            copies++;
        }
        return copies;
    }

    /// <summary>
    /// Where an answer to <paramref name="source"/> goes: the source itself, or, for a machine without an
    /// address yet (0.0.0.0), the broadcast address on the client port (§7.2 rule 1).
    /// </summary>
    private IPEndPoint ReplyTo(IPEndPoint source) =>
        source.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Broadcast, _options.ClientPort) : source;

    private void Send(int length, IPEndPoint destination)
    {
        _output.Send(_sendBuffer.AsSpan(0, length), destination);
        CountSent(length);
    }

    private void CountSent(int length)
    {
        _datagramsSent++;
        _bytesSent += length;
    }

    private void SendStatusRequest(ImageSession session, TimeSpan now)
    {
        int asked = session.MarkAsked(now);
        if (asked == 0) return;
        var request = new StatusRequestMessage(session.Round, session.CurrentWindowMs, ProtocolLimits.MaxNackRanges, 0);
        var ids = new MessageIds(_nextMessageId++, session.SessionId, _donorId);
        if (request.TryEmit(_sendBuffer, ids, out int written) != WireStatus.Ok) return;
        for (int copy = 0; copy < Math.Max(1, _timings.StatusRequestCopies); copy++) SendToSession(session, written, onlyReceiving: true);
        // Members silent for several rounds also get a request addressed to them alone (§7.2.5).
        foreach (var client in session.Clients)
        {
            if (client.State != MemberState.Receiving || client.SilentRounds < _timings.SilentRoundsBeforeTargeted) continue;
            var targeted = new StatusRequestMessage(session.Round, session.CurrentWindowMs, ProtocolLimits.MaxNackRanges, client.ClientId);
            var targetIds = new MessageIds(_nextMessageId++, session.SessionId, _donorId);
            if (targeted.TryEmit(_sendBuffer, targetIds, out int n) == WireStatus.Ok) Send(n, session.GroupDestination ?? ReplyTo(client.EndPoint));
        }
    }

    /// <summary>
    /// ABORT to one member, at its own address, carrying its token and abort key (§4.9, §7.2 rule 10): the key
    /// opens the commitment of that member's OFFER, so it ends that membership and no other.
    /// </summary>
    private void SendMemberAbort(ImageSession session, SessionClient client, AbortReason reason) =>
        SendKeyedAbort(session.SessionId, client.Token, reason, client.EndPoint);

    private void SendKeyedAbort(uint sessionId, ulong token, AbortReason reason, IPEndPoint destination)
    {
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId);
        if (new AbortMessage(reason, token, _keys.AbortKey(token)).TryEmit(_sendBuffer, ids, out int written) == WireStatus.Ok)
            Send(written, ReplyTo(destination));
    }
}
