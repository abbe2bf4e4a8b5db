using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Hostile;

/// <summary>
/// Seeded generator of one attack's datagrams, built with the project's own codec so they pass the
/// CRC and reach the manager's message handlers (except where malformed on purpose). Every datagram has
/// fresh random session, sender and message ids unless the attack needs otherwise.
/// </summary>
public sealed class AttackDatagrams
{
    private static readonly AttackKind[] MixKinds =
        { AttackKind.ForgedResults, AttackKind.RequestFlood, AttackKind.Malformed, AttackKind.Garbage, AttackKind.RandomSessions };

    private readonly Random _random;
    private readonly AttackKind _kind;
    private readonly ImageTypeId _imageType;
    private readonly HostileDatagrams _malformed;
    private readonly byte[] _buffer = new byte[2048];

    /// <param name="imageType">The image type the REQUEST flood asks for: the target's own, so every REQUEST costs an OFFER.</param>
    /// <param name="liveSessionId">A session the malformed datagrams aim at (0: none known, a random one).</param>
    /// <param name="liveImageId">That session's image id (0: none known).</param>
    public AttackDatagrams(AttackKind kind, int seed, Guid imageType, uint liveSessionId = 0, ulong liveImageId = 0)
    {
        _kind = kind;
        _random = new Random(seed);
        Span<byte> type = stackalloc byte[16];
        imageType.TryWriteBytes(type);
        ImageTypeId.TryRead(type, out _imageType);
        // The mutations start from valid messages, which need a session id: a random one when none is known.
        _malformed = new HostileDatagrams(seed + 1, liveSessionId != 0 ? liveSessionId : RandomSessionId(),
            liveImageId != 0 ? liveImageId : (ulong)_random.NextInt64(), imageType);
    }

    /// <summary>The next datagram (a view of an internal buffer, valid until the next call).</summary>
    public ReadOnlyMemory<byte> Next()
    {
        AttackKind kind = _kind == AttackKind.Mix ? MixKinds[_random.Next(MixKinds.Length)] : _kind;
        int length = kind switch
        {
            AttackKind.ForgedResults => ForgedResult(),
            AttackKind.RequestFlood or AttackKind.SessionFlood => Request(),
            AttackKind.RandomSessions => RandomSession(),
            AttackKind.Garbage => Garbage(),
            _ => Malformed(),
        };
        return _buffer.AsMemory(0, length);
    }

    /// <summary>Whether the attack answers what the target sends back (<see cref="TryAnswer"/>).</summary>
    public bool AnswersReplies => _kind == AttackKind.SessionFlood;

    /// <summary>For <see cref="AttackKind.SessionFlood"/>: the ACCEPT that takes up an OFFER the target sent back.</summary>
    public bool TryAnswer(ReadOnlySpan<byte> received, out ReadOnlyMemory<byte> answer)
    {
        answer = default;
        if (!AnswersReplies || MessageFrame.TryParse(received, out MessageFrame frame) != WireStatus.Ok || frame.Type != MessageType.Offer
            || OfferMessage.TryParse(frame, out OfferMessage offer) != WireStatus.Ok) return false;
        // The REQUEST's sender id was derived from its message id, which the OFFER echoes.
        var ids = new MessageIds((uint)_random.Next(1, int.MaxValue), frame.Header.SessionId, MacFor(offer.InReplyTo));
        // The OFFER came back to this tool's own address, so it holds the member token like any machine would.
        if (new AcceptMessage(frame.Header.MessageId, offer.ImageId, 0, offer.Binding.MemberToken).TryEmit(_buffer, ids, out int n) != WireStatus.Ok) return false;
        answer = _buffer.AsMemory(0, n);
        return true;
    }

    private static ulong MacFor(uint messageId) => 0x020000000000UL | messageId;

    private MessageIds RandomIds(uint sessionId) =>
        new((uint)_random.Next(1, int.MaxValue), sessionId, (ulong)_random.NextInt64(1, 1L << 48));

    private uint RandomSessionId() => (uint)_random.NextInt64(1, uint.MaxValue);

    // A guessed member token (docs/protocol.md §7.4): 64 random bits the manager did not derive.
    private ulong RandomToken() => (ulong)_random.NextInt64(1, long.MaxValue);

    private int ForgedResult()
    {
        var outcome = _random.Next(2) == 0 ? ResultOutcome.Success : ResultOutcome.Failure;
        var result = new ResultMessage((ulong)_random.NextInt64(), outcome, (ResultReason)_random.Next(0, 14), (uint)_random.Next(), RandomToken());
        return Emitted(result.TryEmit(_buffer, RandomIds(RandomSessionId()), out int n), n);
    }

    private int Request()
    {
        uint messageId = (uint)_random.Next(1, int.MaxValue);
        ulong mac = MacFor(messageId);
        // Unicast only for the session flood: each ACCEPT then gets a session of its own.
        DeliveryModes modes = _kind == AttackKind.SessionFlood ? DeliveryModes.Unicast : DeliveryModes.All;
        var request = new RequestMessage(_imageType, 1, 0, mac, ProtocolLimits.DefaultDatagram, 0, 0, RequestReason.FirmwareInvalid, modes);
        return Emitted(request.TryEmit(_buffer, new MessageIds(messageId, 0, mac), out int n), n);
    }

    private int RandomSession()
    {
        MessageIds ids = RandomIds(RandomSessionId());
        if (_random.Next(2) == 0)
            return Emitted(new AcceptMessage((uint)_random.Next(), (ulong)_random.NextInt64(), 0, RandomToken()).TryEmit(_buffer, ids, out int accept), accept);
        if (_random.Next(2) == 0)
            return Emitted(StatusMessage.TryEmitComplete(_buffer, ids, new StatusReport((uint)_random.Next(0, 8), (uint)_random.Next(), 0, 0, RandomToken()), out int complete), complete);
        Span<NackRange> ranges = stackalloc NackRange[] { new NackRange(0, (uint)_random.Next(1, 1 << 24)) };
        return Emitted(StatusMessage.TryEmitRanges(_buffer, ids, new StatusReport((uint)_random.Next(0, 8), 0, 0, 0, RandomToken()), false, ranges, out int nack), nack);
    }

    private int Garbage()
    {
        int length = _random.Next(0, 1600);
        _random.NextBytes(_buffer.AsSpan(0, length));
        return length;
    }

    private int Malformed()
    {
        byte[] datagram = _malformed.Next();
        int length = Math.Min(datagram.Length, _buffer.Length);
        datagram.AsSpan(0, length).CopyTo(_buffer);
        return length;
    }

    private static int Emitted(WireStatus status, int written) =>
        status == WireStatus.Ok ? written : throw new InvalidOperationException("the codec refused an attack template: " + status);
}
