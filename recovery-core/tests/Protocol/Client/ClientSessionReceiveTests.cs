using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// The client engine fed hand-made datagrams one at a time (docs/protocol.md §6.3 – §6.7), to pin down
/// exactly what each kind of bad or duplicate input does.
/// </summary>
public class ClientSessionReceiveTests
{
    private const ulong Donor = 0xD0000000000000A1;
    private const uint Session = 0x5E550001;
    private const ulong ImageId = 0x1234567800000001;
    private const ulong Token = 0x70CE70CE70CE70CE;
    private static readonly DatagramEndpoint DonorEndpoint = new DatagramEndpoint(0x0A000001, ProtocolConstants.DonorPort);

    private readonly byte[] _image = new byte[10000];
    private readonly byte[] _buffer = new byte[2048];
    private readonly TestClientTransport _transport = new TestClientTransport(ClientHarness.ClientBaseAddress, 64);
    private readonly ExpectedImageVerifier _verifier;
    private readonly ClientSession _client;
    private readonly FragmentGeometry _geometry;
    private readonly ManifestTree _tree;
    private uint _donorMessageId = 0x9000;

    public ClientSessionReceiveTests()
    {
        new Random(5).NextBytes(_image);
        _verifier = new ExpectedImageVerifier(_image, 0x00010002);
        Assert.Equal(ClientSetupStatus.Ok, ClientSession.TryCreate(ClientHarness.DefaultConfig(0), _transport, _verifier, out ClientSession? client));
        _client = client!;
        Assert.True(FragmentGeometry.TryCreate(10000, 1432, 7, out _geometry));
        _tree = ManifestTree.Build(_image, _geometry, ImageId, ManifestShape.ChooseGroupShift(7, 1432), new PortableManifestHash());
    }

    private static readonly Hash128 AbortKey = new Hash128(0xA0A1A2A3A4A5A6A7, 0xA8A9AAABACADAEAF);

    private OfferBinding Binding => new OfferBinding(Token, _tree.Root, ManifestShape.ChooseGroupShift(7, 1432), Commitment(AbortKey));

    private static Hash128 Commitment(Hash128 key)
    {
        byte[] bytes = new byte[16];
        key.Write(bytes);
        return Hash128.Read(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    /// <summary>The MANIFEST of the one group these 7 fragments make.</summary>
    private byte[] ManifestDatagram()
    {
        byte[] leaves = new byte[16 * 8];
        byte[] proof = new byte[16 * 24];
        Assert.True(_tree.TryWriteGroup(0, leaves, proof, out int leafBytes, out int proofBytes));
        byte[] datagram = new byte[512];
        Assert.Equal(WireStatus.Ok, ManifestMessage.TryEmit(datagram, new MessageIds(++_donorMessageId, Session, Donor), 0,
            leaves.AsSpan(0, leafBytes), proof.AsSpan(0, proofBytes), out int n));
        return datagram.AsSpan(0, n).ToArray();
    }

    private MessageFrame TakeSent(MessageType expected, out DatagramEndpoint destination)
    {
        int length = _transport.Outbox.TryDequeue(_buffer, out destination);
        Assert.True(length > 0, "nothing sent");
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(_buffer.AsSpan(0, length), out MessageFrame frame));
        Assert.Equal(expected, frame.Type);
        return frame;
    }

    private void Inject(ReadOnlySpan<byte> datagram)
    {
        Assert.True(_transport.Inbox.TryEnqueue(datagram, DonorEndpoint));
    }

    private byte[] DataDatagram(uint index, int length, ulong sender = Donor)
    {
        byte[] datagram = new byte[DataMessage.MessageLength(length)];
        int offset = (int)Math.Min(_geometry.OffsetOf(index), (ulong)_image.Length);
        ReadOnlySpan<byte> fragment = _image.AsSpan(offset, Math.Min(length, _image.Length - offset));
        byte[] payload = new byte[length];
        fragment.CopyTo(payload);
        Assert.Equal(WireStatus.Ok, DataMessage.TryEmit(datagram, new MessageIds(++_donorMessageId, Session, sender), index, 0, payload, out _));
        return datagram;
    }

    /// <summary>Discovery → OFFER → ACCEPT, leaving the client Accepting at t = 800 ms.</summary>
    private void JoinSession()
    {
        Assert.Equal(ClientEvents.RequestSent, _client.Poll(0) & ClientEvents.RequestSent);
        MessageFrame request = TakeSent(MessageType.Request, out DatagramEndpoint requestTo);
        Assert.Equal(DatagramEndpoint.LimitedBroadcast, requestTo.Address);
        Assert.Equal(ProtocolConstants.DonorPort, requestTo.Port);
        uint requestId = request.Header.MessageId;

        byte[] offer = new byte[200];
        OfferMessage o = new OfferMessage(requestId, ImageId, ClientHarness.Platform, 0x00010002, 0x00010000, _geometry,
            DeliveryMode.Broadcast, 0x0A0000FF, ProtocolConstants.ClientPort, 0, Binding);
        Assert.Equal(WireStatus.Ok, o.TryEmit(offer, new MessageIds(++_donorMessageId, Session, Donor), out int n));
        Inject(offer.AsSpan(0, n));
        Assert.Equal(ClientEvents.OfferReceived, _client.Poll(10) & ClientEvents.OfferReceived);
        Assert.Equal(ClientState.Discovering, _client.State);

        Assert.Equal(ClientEvents.DonorChosen, _client.Poll(800) & ClientEvents.DonorChosen);
        Assert.Equal(ClientState.Accepting, _client.State);
        MessageFrame acceptFrame = TakeSent(MessageType.Accept, out DatagramEndpoint acceptTo);
        Assert.True(acceptTo.Matches(DonorEndpoint));
        Assert.Equal(Session, acceptFrame.Header.SessionId);
        Assert.Equal(WireStatus.Ok, AcceptMessage.TryParse(acceptFrame, out AcceptMessage accept));
        Assert.Equal(ImageId, accept.ImageId);
    }

    [Fact]
    public void Poll_BadDuplicateForeignAndCorruptData_EachHandledPerSpec()
    {
        JoinSession();

        Inject(ManifestDatagram());
        Inject(DataDatagram(0, 1432));
        Assert.Equal(ClientEvents.Joined | ClientEvents.FragmentsReceived, _client.Poll(801) & (ClientEvents.Joined | ClientEvents.FragmentsReceived));
        Assert.Equal(1u, _client.FragmentsHeld);

        Inject(DataDatagram(0, 1432));
        _client.Poll(802);
        Assert.Equal(1u, _client.DuplicateFragments);

        Inject(DataDatagram(6, 1432)); // the last fragment is 1408 bytes: wrong length
        Inject(DataDatagram(7, 16));   // beyond the fragment count
        _client.Poll(803);
        Assert.Equal(2u, _client.MalformedDropped);

        Inject(DataDatagram(2, 1432, sender: 0xD0000000000000EE)); // same session id, another sender
        _client.Poll(804);
        Assert.Equal(1u, _client.FragmentsHeld);
        Assert.Equal(2u, _client.MalformedDropped);

        byte[] corruptNew = DataDatagram(1, 1432);
        corruptNew[100] ^= 0x01;
        byte[] corruptHeld = DataDatagram(0, 1432);
        corruptHeld[200] ^= 0x80;
        Inject(corruptNew);
        Inject(corruptHeld);
        _client.Poll(805);
        Assert.Equal(2u, _client.CorruptedFragments);
        Assert.Equal(1u, _client.FragmentsHeld);

        // STATUS_REQUEST with window 0 is answered in the same Poll: held {0}, missing [1, 7).
        byte[] request = new byte[64];
        Assert.Equal(WireStatus.Ok, new StatusRequestMessage(1, 0, 128, 0).TryEmit(request, new MessageIds(++_donorMessageId, Session, Donor), out int n));
        Inject(request.AsSpan(0, n));
        Assert.Equal(ClientEvents.StatusSent, _client.Poll(806) & ClientEvents.StatusSent);
        MessageFrame statusFrame = TakeSent(MessageType.Status, out _);
        Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(statusFrame, out StatusMessage status));
        Assert.Equal(StatusKind.NackRanges, status.Kind);
        Assert.Equal(1u, status.Round);
        Assert.Equal(1u, status.FragmentsHeld);
        Assert.Equal(2u, status.CorruptedCount);
        Assert.Equal(1, status.RangeCount);
        Assert.Equal(1u, status.GetRange(0).First);
        Assert.Equal(6u, status.GetRange(0).Count);

        // The same round again while nothing is pending is answered again (the first answer may be lost).
        Inject(request.AsSpan(0, n));
        _client.Poll(807);
        TakeSent(MessageType.Status, out _);

        for (uint i = 1; i < 7; i++)
        {
            Inject(DataDatagram(i, _geometry.LengthOf(i)));
        }
        ClientEvents events = _client.Poll(808);
        Assert.Equal(ClientEvents.ImageComplete | ClientEvents.ImageVerified, events & (ClientEvents.ImageComplete | ClientEvents.ImageVerified));
        Assert.True(_client.VerifiedImage.SequenceEqual(_image), "the corrupted copy of fragment 0 did not replace the good one");

        Assert.True(_client.ReportOutcome(809, true, ResultReason.None, 0x00010002));
        Assert.False(_client.ReportOutcome(809, true, ResultReason.None, 0x00010002));
        _client.Poll(809);
        MessageFrame resultFrame = TakeSent(MessageType.Result, out DatagramEndpoint resultTo);
        Assert.True(resultTo.Matches(DonorEndpoint));
        Assert.Equal(WireStatus.Ok, ResultMessage.TryParse(resultFrame, out ResultMessage result));
        Assert.Equal(ResultOutcome.Success, result.Outcome);
        Assert.Equal(ImageId, result.ImageId);
        uint resultId = resultFrame.Header.MessageId;

        byte[] ack = new byte[64];
        Assert.Equal(WireStatus.Ok, new ResultAckMessage(resultId + 1, Token).TryEmit(ack, new MessageIds(++_donorMessageId, Session, Donor), out n));
        Inject(ack.AsSpan(0, n));
        _client.Poll(810);
        Assert.Equal(ClientState.Reporting, _client.State);

        // Not acknowledged yet: the RESULT is repeated with the same message id.
        _client.Poll(2500);
        Assert.Equal(resultId, TakeSent(MessageType.Result, out _).Header.MessageId);

        Assert.Equal(WireStatus.Ok, new ResultAckMessage(resultId, Token).TryEmit(ack, new MessageIds(++_donorMessageId, Session, Donor), out n));
        Inject(ack.AsSpan(0, n));
        Assert.Equal(ClientEvents.Finished, _client.Poll(2501) & ClientEvents.Finished);
        Assert.True(_client.ResultAcknowledged);
    }

    private bool AnswersRequest(uint round, ulong target, ulong at)
    {
        byte[] request = new byte[64];
        Assert.Equal(WireStatus.Ok, new StatusRequestMessage(round, 0, 128, target).TryEmit(request, new MessageIds(++_donorMessageId, Session, Donor), out int n));
        Inject(request.AsSpan(0, n));
        bool sent = (_client.Poll(at) & ClientEvents.StatusSent) != 0;
        if (sent)
        {
            Assert.Equal(WireStatus.Ok, StatusMessage.TryParse(TakeSent(MessageType.Status, out _), out StatusMessage status));
            Assert.Equal(StatusKind.Complete, status.Kind);
        }
        return sent;
    }

    [Fact]
    public void Poll_CompleteSent_RequestsToTheWholeSessionAnsweredAgainOnlyAfter2s_OnesToItAtOnce()
    {
        JoinSession();
        Inject(ManifestDatagram());
        for (uint i = 0; i < 7; i++)
        {
            Inject(DataDatagram(i, _geometry.LengthOf(i)));
        }
        Assert.Equal(ClientEvents.ImageVerified, _client.Poll(801) & ClientEvents.ImageVerified);

        // §6.5 T_done: rounds held for other members must not draw a COMPLETE from every member each time.
        Assert.True(AnswersRequest(1, 0, 900));
        Assert.False(AnswersRequest(2, 0, 1000));
        Assert.False(AnswersRequest(3, 0, 2899));
        Assert.Equal(2u, _client.CompleteRepeatsSkipped);
        // A request to this member alone (the donor's for a member silent for rounds: its COMPLETE was lost).
        Assert.True(AnswersRequest(4, ClientHarness.DefaultConfig(0).MacAddress, 2900));
        Assert.False(AnswersRequest(5, 0, 3000));
        Assert.True(AnswersRequest(6, 0, 4900));
    }

    [Fact]
    public void Poll_ForgedLongWindowRequests_AnswerCappedAndNeverPostponed()
    {
        JoinSession();
        Inject(ManifestDatagram());
        Inject(DataDatagram(0, 1432));
        _client.Poll(801);
        byte[] request = new byte[64];

        // A STATUS_REQUEST asking for the longest window is answered within 2 s anyway (docs/protocol.md §6.5),
        // every time (ten rounds, so a lucky draw from a 10 s window cannot pass for the cap).
        int n;
        ulong start = 1000;
        for (uint round = 900; round < 910; round++)
        {
            Assert.Equal(WireStatus.Ok, new StatusRequestMessage(round, 10000, 128, 0).TryEmit(request, new MessageIds(++_donorMessageId, Session, Donor), out n));
            Inject(request.AsSpan(0, n));
            _client.Poll(start);
            ulong answeredAt = 0;
            for (ulong t = start + 1; t <= start + 2000 && answeredAt == 0; t++)
            {
                if ((_client.Poll(t) & ClientEvents.StatusSent) != 0)
                {
                    answeredAt = t;
                }
            }
            Assert.True(answeredAt != 0, "round " + round + " answered within 2 s");
            TakeSent(MessageType.Status, out _);
            start = answeredAt + 1;
        }

        // A repair brought a new fragment, then the real request (short window) is pending; forged ones with
        // other rounds and long windows arrive behind it every millisecond. The answer still goes out within
        // the real request's window (and, after progress, owes nothing to the no-progress answer budget).
        Inject(DataDatagram(3, 1432));
        _client.Poll(start);
        Assert.Equal(WireStatus.Ok, new StatusRequestMessage(1000, 50, 128, 0).TryEmit(request, new MessageIds(++_donorMessageId, Session, Donor), out n));
        Inject(request.AsSpan(0, n));
        _client.Poll(start);
        bool answered = false;
        for (ulong t = start + 1; t < start + 50 && !answered; t++)
        {
            Assert.Equal(WireStatus.Ok, new StatusRequestMessage(5000 + (uint)t, 10000, 128, 0).TryEmit(
                request, new MessageIds(++_donorMessageId, Session, Donor), out n));
            Inject(request.AsSpan(0, n));
            answered = (_client.Poll(t) & ClientEvents.StatusSent) != 0;
        }
        Assert.True(answered, "a forged request must not postpone the pending answer");
    }

    [Fact]
    public void Poll_ResultAckWithoutOurToken_Ignored_AbortNeedsTheKey()
    {
        JoinSession();
        Inject(ManifestDatagram());
        for (uint i = 0; i < 7; i++)
        {
            Inject(DataDatagram(i, _geometry.LengthOf(i)));
        }
        Assert.Equal(ClientEvents.ImageVerified, _client.Poll(801) & ClientEvents.ImageVerified);
        Assert.True(_client.ReportOutcome(802, true, ResultReason.None, 0x00010002));
        _client.Poll(803);
        uint resultId = TakeSent(MessageType.Result, out _).Header.MessageId;

        byte[] ack = new byte[64];
        Assert.Equal(WireStatus.Ok, new ResultAckMessage(resultId, Token ^ 1).TryEmit(ack, new MessageIds(++_donorMessageId, Session, Donor), out int n));
        Inject(ack.AsSpan(0, n));
        _client.Poll(804);
        Assert.Equal(ClientState.Reporting, _client.State);

        Assert.Equal(WireStatus.Ok, new ResultAckMessage(resultId, Token).TryEmit(ack, new MessageIds(++_donorMessageId, Session, Donor), out n));
        Inject(ack.AsSpan(0, n));
        _client.Poll(805);
        Assert.Equal(ClientState.Finished, _client.State);
    }

    [Fact]
    public void Poll_AbortWhileReceiving_OnlyTheCommittedKeyEndsTheSession()
    {
        JoinSession();
        Inject(ManifestDatagram());
        Inject(DataDatagram(1, 1432));
        _client.Poll(801);
        Assert.Equal(ClientState.Receiving, _client.State);
        byte[] abort = new byte[64];

        // A guessed key, even from the donor's own address: ignored (the session made progress just now).
        Assert.Equal(WireStatus.Ok, new AbortMessage(AbortReason.UnknownSession, Token, new Hash128(1, 2)).TryEmit(
            abort, new MessageIds(++_donorMessageId, Session, Donor), out int n));
        Inject(abort.AsSpan(0, n));
        _client.Poll(802);
        Assert.Equal(ClientState.Receiving, _client.State);

        Assert.Equal(WireStatus.Ok, new AbortMessage(AbortReason.DonorShutdown, Token, AbortKey).TryEmit(
            abort, new MessageIds(++_donorMessageId, Session, Donor), out n));
        Inject(abort.AsSpan(0, n));
        Assert.Equal(ClientEvents.SessionAborted, _client.Poll(803) & ClientEvents.SessionAborted);
        Assert.Equal(ClientState.Discovering, _client.State);
    }

    [Fact]
    public void Poll_OfferAnsweringAnotherRequest_Ignored()
    {
        _client.Poll(0);
        MessageFrame request = TakeSent(MessageType.Request, out _);
        byte[] offer = new byte[200];
        OfferMessage o = new OfferMessage(request.Header.MessageId + 1, ImageId, ClientHarness.Platform, 0x00010002, 0, _geometry,
            DeliveryMode.Broadcast, 0x0A0000FF, ProtocolConstants.ClientPort, 0, Binding);
        Assert.Equal(WireStatus.Ok, o.TryEmit(offer, new MessageIds(1, Session, Donor), out int n));
        Inject(offer.AsSpan(0, n));

        Assert.Equal(ClientEvents.None, _client.Poll(10) & ClientEvents.OfferReceived);
        _client.Poll(5000);
        Assert.Equal(ClientState.Discovering, _client.State);
    }

    [Fact]
    public void Poll_RequestRetransmissions_RepeatDiscoveryMessageId()
    {
        _client.Poll(0);
        uint first = TakeSent(MessageType.Request, out _).Header.MessageId;
        _client.Poll(1300);
        uint second = TakeSent(MessageType.Request, out _).Header.MessageId;

        Assert.Equal(first, second);
    }

    [Fact]
    public void Poll_ClockStepsBack_NoTimerFires()
    {
        JoinSession();
        Inject(DataDatagram(0, 1432));
        _client.Poll(900);

        ClientEvents events = _client.Poll(5); // an earlier time than before

        Assert.Equal(ClientEvents.None, events & (ClientEvents.SessionLost | ClientEvents.StatusSent));
        Assert.Equal(ClientState.Receiving, _client.State);
    }

    [Theory]
    [InlineData(0UL, (ushort)1472, ClientSetupStatus.InvalidMacAddress)]
    [InlineData(0x1000000000000UL, (ushort)1472, ClientSetupStatus.InvalidMacAddress)]
    [InlineData(0x525400000001UL, (ushort)547, ClientSetupStatus.InvalidMaxDatagram)]
    [InlineData(0x525400000001UL, (ushort)8973, ClientSetupStatus.InvalidMaxDatagram)]
    public void TryCreate_InvalidConfig_RefusedWithReason(ulong mac, ushort maxDatagram, ClientSetupStatus expected)
    {
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.MacAddress = mac;
        config.MaxDatagram = maxDatagram;

        Assert.Equal(expected, ClientSession.TryCreate(config, _transport, _verifier, out ClientSession? session));
        Assert.Null(session);
    }

    [Fact]
    public void TryCreate_NoDiscoveryTargetOrModes_Refused()
    {
        ClientConfig noTarget = ClientHarness.DefaultConfig(0);
        noTarget.DiscoverByBroadcast = false;
        ClientConfig noModes = ClientHarness.DefaultConfig(0);
        noModes.DeliveryModes = DeliveryModes.None;
        ClientConfig noCapacity = ClientHarness.DefaultConfig(0);
        noCapacity.ImageCapacity = 0;

        Assert.Equal(ClientSetupStatus.NoDiscoveryTarget, ClientSession.TryCreate(noTarget, _transport, _verifier, out _));
        Assert.Equal(ClientSetupStatus.InvalidDeliveryModes, ClientSession.TryCreate(noModes, _transport, _verifier, out _));
        Assert.Equal(ClientSetupStatus.InvalidImageCapacity, ClientSession.TryCreate(noCapacity, _transport, _verifier, out _));
    }
}
