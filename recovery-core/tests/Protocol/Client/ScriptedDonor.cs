using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Fec;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// A small donor written from docs/protocol.md §7 on top of the codec: answers REQUEST with OFFER (member
/// token, manifest root, abort commitment), takes token-proven ACCEPTs into one session, sends paced passes
/// of DATA with each group's MANIFEST first, polls with STATUS_REQUEST, repairs the union of NACKs,
/// acknowledges RESULTs, and can crash/restart. Allocation-free per message after construction. It is the
/// client's peer in these tests; the manager's real donor is built separately on the same codec.
/// </summary>
internal sealed class ScriptedDonor
{
    private const int MaxMembers = 64;

    private readonly SimulatedNetwork _network;
    private readonly byte[] _image;
    private readonly byte[] _send = new byte[ProtocolLimitsForTests.SlotSize];
    private readonly bool[] _needed;
    private readonly uint[] _firstPassOrder;
    private readonly ulong[] _memberIds = new ulong[MaxMembers];
    private readonly ulong[] _memberTokens = new ulong[MaxMembers];
    private readonly DatagramEndpoint[] _memberEndpoints = new DatagramEndpoint[MaxMembers];
    private ManifestTree _manifest;
    private readonly bool[] _manifestSentThisPass;
    private readonly byte[] _leafScratch = new byte[ManifestMessage.MaxLeafCount * Hash128.Length];
    private readonly byte[] _proofScratch = new byte[ManifestMessage.MaxProofLength * Hash128.Length];
    private readonly ulong _secret;
    private readonly bool[] _memberComplete = new bool[MaxMembers];
    private readonly bool[] _memberAnswered = new bool[MaxMembers];
    private readonly bool[] _memberResuming = new bool[MaxMembers];
    private readonly FragmentGeometry _geometry;
    private int _memberCount;
    private uint _messageId = 0x1000;
    private DonorPhase _phase;
    private uint _cursor;
    private ushort _pass;
    private uint _round;
    private ulong _phaseDeadline;
    // FEC (§5.5): per block the most parity a member asked for, the next fresh index, MANIFEST asked for.
    private readonly byte[] _parityNeed;
    private readonly byte[] _parityNext;
    private readonly bool[] _manifestNeed;
    private readonly ErasureCode _encoder;
    private readonly byte[] _parityScratch = new byte[ProtocolLimits.MaxFragmentSize];
    private uint _parityCursor;

    public ScriptedDonor(
        SimulatedNetwork network, ulong donorId, uint address, byte[] image, ulong imageId, ImageTypeId imageType,
        uint imageVersion, ushort fragmentSize, uint sessionId, ulong seed)
    {
        _network = network;
        DonorId = donorId;
        Address = address;
        _image = image;
        ImageId = imageId;
        ImageType = imageType;
        ImageVersion = imageVersion;
        SessionId = sessionId;
        uint count = FragmentGeometry.CountFor((uint)image.Length, fragmentSize);
        if (!FragmentGeometry.TryCreate((uint)image.Length, fragmentSize, count, out _geometry))
        {
            throw new ArgumentException("bad geometry");
        }
        _needed = new bool[count];
        _firstPassOrder = new uint[count];
        for (uint i = 0; i < count; i++)
        {
            _firstPassOrder[i] = i;
        }
        // A seeded Fisher-Yates permutation for the out-of-order first pass.
        ProtocolRandom random = new ProtocolRandom(seed);
        for (int i = (int)count - 1; i > 0; i--)
        {
            int j = (int)random.NextBelow((uint)(i + 1));
            (_firstPassOrder[i], _firstPassOrder[j]) = (_firstPassOrder[j], _firstPassOrder[i]);
        }
        DeliveryAddress = SimulatedNetwork.SubnetBroadcast;
        GroupShift = ManifestShape.ChooseGroupShift(count, fragmentSize);
        _manifest = ManifestTree.Build(image, _geometry, imageId, GroupShift, new PortableManifestHash());
        _manifestSentThisPass = new bool[_manifest.Shape.GroupCount];
        _secret = seed ^ 0x5EC2E7;
        uint blocks = (count + ProtocolConstants.FecBlockLength - 1) / ProtocolConstants.FecBlockLength;
        _parityNeed = new byte[blocks];
        _parityNext = new byte[blocks];
        _manifestNeed = new bool[blocks];
        _encoder = new ErasureCode(1, fragmentSize);
    }

    private enum DonorPhase
    {
        Idle,
        Gathering,
        Sending,
        Polling,
        AwaitingResults,
    }

    public ulong DonorId { get; private set; }
    public uint Address { get; }
    public ulong ImageId { get; }
    public ImageTypeId ImageType { get; }
    public uint ImageVersion { get; }
    public uint SessionId { get; private set; }
    public FragmentGeometry Geometry => _geometry;
    public byte GroupShift { get; }
    public Hash128 ManifestRoot => _manifest.Root;
    public ManifestShape ManifestShape => _manifest.Shape;

    /// <summary>Sends no MANIFEST at all (a donor that lost them, or a test of the held-back fragments).</summary>
    public bool SendManifests { get; set; } = true;

    /// <summary>A rogue that takes a new donor id for every OFFER (finding 2 of the hostile-LAN issue).</summary>
    public bool RotateIdOnEveryOffer { get; set; }

    /// <summary>A rogue that changes one byte of its image (so its manifest root) for every OFFER.</summary>
    public bool RotateImageOnEveryOffer { get; set; }

    /// <summary>A rogue that never sends DATA, only a STATUS_REQUEST every <see cref="StatusRequestOnlyIntervalMs"/>.</summary>
    public bool StatusRequestsOnly { get; set; }
    public uint StatusRequestOnlyIntervalMs { get; set; } = 20_000;

    /// <summary>When set, every OFFER is signed with this RSA-2048 key (docs/protocol.md §4.2, §6.8).</summary>
    public RSA? SigningKey { get; set; }

    // Behaviour knobs.
    public bool Online { get; set; } = true;
    public bool AnswerRequests { get; set; } = true;
    public byte Load { get; set; }
    public DeliveryMode Mode { get; set; } = DeliveryMode.Broadcast;
    public uint DeliveryAddress { get; set; }
    public int FragmentsPerTick { get; set; } = 8;
    public bool ShuffleFirstPass { get; set; }
    public ushort ResponseWindowMs { get; set; } = 50;
    public ushort MaxRanges { get; set; } = ProtocolLimits.MaxNackRanges;
    public uint GatherMs { get; set; } = 20;
    public uint PollGraceMs { get; set; } = 30;
    public bool SendDuplicateData { get; set; }
    public bool IgnoreAccepts { get; set; }

    /// <summary>Offers FEC (header flag, §5.5) and answers BLOCK COUNTS with parity after each pass's DATA.</summary>
    public bool Fec { get; set; }
    public uint ParitySent { get; private set; }
    public uint BlockCountStatusesSeen { get; private set; }

    /// <summary>Offers even when the request says the image is not compatible (a misconfigured donor).</summary>
    public bool OfferToEveryone { get; set; }

    /// <summary>§7.2: when every member said in ACCEPT that it holds fragments, poll before sending a pass.</summary>
    public bool PollFirstWhenResuming { get; set; } = true;

    // What happened, for the assertions.
    public uint OffersSent { get; private set; }
    public uint AcceptsReceived { get; private set; }
    public uint DataSent { get; private set; }
    public uint ManifestsSent { get; private set; }
    public uint AcceptsWithWrongToken { get; private set; }
    public uint MaxForgedReported { get; private set; }
    public uint PassesStarted { get; private set; }
    public uint StatusRequestsSent { get; private set; }
    public uint StatusesReceived { get; private set; }
    public uint NackedFragments { get; private set; }
    public uint CorruptedReported { get; private set; }
    public uint MoreFlagsSeen { get; private set; }
    public uint BitmapStatusesSeen { get; private set; }
    public uint LateJoinerWakeups { get; private set; }
    public uint UnsolicitedStatuses { get; private set; }
    public uint ResultsReceived { get; private set; }
    public uint AbortsSent { get; private set; }
    public uint LastAcceptFragmentsHeld { get; private set; }
    public ulong LastRequestHeldImageId { get; private set; }
    public RequestReason LastRequestReason { get; private set; }
    public ResultOutcome LastResultOutcome { get; private set; }
    public ResultReason LastResultReason { get; private set; }
    public uint MaxStatusDatagram { get; private set; }
    public int MemberCount => _memberCount;

    /// <summary>Arrival times of the STATUS answers to round 1 (at most 256 kept).</summary>
    public ulong[] FirstRoundStatusTimes { get; } = new ulong[256];
    public int FirstRoundStatusCount { get; private set; }

    /// <summary>Forgets every session (a crash and restart) and continues with a new session id.</summary>
    public void Restart(uint newSessionId)
    {
        SessionId = newSessionId;
        _memberCount = 0;
        _phase = DonorPhase.Idle;
        _round = 0;
        Array.Clear(_needed);
    }

    public void Deliver(ReadOnlySpan<byte> datagram, in DatagramEndpoint source, ulong now)
    {
        if (!Online || MessageFrame.TryParse(datagram, out MessageFrame frame) != WireStatus.Ok)
        {
            return;
        }
        switch (frame.Type)
        {
            case MessageType.Request:
                OnRequest(frame, source);
                break;
            case MessageType.Accept:
                OnAccept(frame, source, now);
                break;
            case MessageType.Status:
                OnStatus(frame, source, datagram.Length, now);
                break;
            case MessageType.Result:
                OnResult(frame, source);
                break;
        }
    }

    private void OnRequest(in MessageFrame frame, in DatagramEndpoint source)
    {
        if (!AnswerRequests || RequestMessage.TryParse(frame, out RequestMessage request) != WireStatus.Ok)
        {
            return;
        }
        LastRequestHeldImageId = request.HeldImageId;
        LastRequestReason = request.Reason;
        if (!OfferToEveryone && (!request.ImageType.Matches(ImageType) || ImageVersion < request.LowestAcceptableVersion))
        {
            return;
        }
        if (RotateIdOnEveryOffer)
        {
            DonorId++;
        }
        if (RotateImageOnEveryOffer)
        {
            _image[OffersSent % (uint)_image.Length] ^= 0x01;
            _manifest = ManifestTree.Build(_image, _geometry, ImageId, GroupShift, new PortableManifestHash());
        }
        ulong token = TokenFor(SessionId, frame.Header.SenderId, source.Address);
        var binding = new OfferBinding(token, _manifest.Root, GroupShift, CommitmentFor(token));
        OfferMessage offer = new OfferMessage(
            frame.Header.MessageId, ImageId, ImageType, ImageVersion, ImageVersion, _geometry, Mode,
            Mode == DeliveryMode.Unicast ? source.Address : DeliveryAddress, ProtocolConstants.ClientPort, Load, binding);
        if (SigningKey is null)
        {
            var ids = new MessageIds(NextMessageId(), SessionId, DonorId, Fec ? ProtocolConstants.FlagFec : (ushort)0);
            Send(offer.TryEmit(_send, ids, out int written), written, source);
        }
        else
        {
            Send(SignedOffer(offer, frame.Header.SenderId, source.Address, out int written), written, source);
        }
        OffersSent++;
    }

    private void OnAccept(in MessageFrame frame, in DatagramEndpoint source, ulong now)
    {
        if (IgnoreAccepts || AcceptMessage.TryParse(frame, out AcceptMessage accept) != WireStatus.Ok)
        {
            return;
        }
        // §7.2 rule 2, in the manager's order: the token (for the session the ACCEPT names) first; a wrong one
        // is dropped without an answer, so a forged OFFER's made-up token never draws an ABORT.
        if (accept.MemberToken != TokenFor(frame.Header.SessionId, frame.Header.SenderId, source.Address))
        {
            AcceptsWithWrongToken++;
            return;
        }
        if (frame.Header.SessionId != SessionId || accept.ImageId != ImageId)
        {
            SendAbort(AbortReason.UnknownSession, source, frame.Header.SessionId);
            return;
        }
        AcceptsReceived++;
        LastAcceptFragmentsHeld = accept.FragmentsHeld;
        int member = FindMember(accept.MemberToken);
        if (member < 0 && _memberCount < MaxMembers)
        {
            _memberIds[_memberCount] = frame.Header.SenderId;
            _memberTokens[_memberCount] = accept.MemberToken;
            _memberEndpoints[_memberCount] = source;
            _memberComplete[_memberCount] = false;
            _memberResuming[_memberCount] = accept.FragmentsHeld != 0;
            _memberCount++;
        }
        if (_phase == DonorPhase.Idle)
        {
            _phase = DonorPhase.Gathering;
            _phaseDeadline = now + GatherMs;
        }
        else if (_phase == DonorPhase.AwaitingResults && member < 0)
        {
            // §7.2 rule 2: a late joiner wakes a finished session; the poll confirms its ACCEPT.
            LateJoinerWakeups++;
            Poll(now);
        }
    }

    private void OnStatus(in MessageFrame frame, in DatagramEndpoint source, int datagramLength, ulong now)
    {
        if (StatusMessage.TryParse(frame, out StatusMessage status) != WireStatus.Ok)
        {
            return;
        }
        if (frame.Header.SessionId != SessionId)
        {
            // §7.2 rule 7: a membership of a session this donor forgot (it restarted with the same secret) gets a
            // keyed ABORT, which the client takes even while Receiving; anything else gets nothing.
            if (status.MemberToken == TokenFor(frame.Header.SessionId, frame.Header.SenderId, source.Address))
            {
                var abort = new AbortMessage(AbortReason.UnknownSession, status.MemberToken, AbortKeyFor(status.MemberToken));
                Send(abort.TryEmit(_send, new MessageIds(NextMessageId(), frame.Header.SessionId, DonorId), out int n), n, source);
                AbortsSent++;
            }
            return;
        }
        int member = FindMember(status.MemberToken);
        if (member < 0 || _memberIds[member] != frame.Header.SenderId || !_memberEndpoints[member].Matches(source))
        {
            return;
        }
        StatusesReceived++;
        MaxForgedReported = Math.Max(MaxForgedReported, status.ForgedCount);
        MaxStatusDatagram = Math.Max(MaxStatusDatagram, (uint)datagramLength);
        CorruptedReported = Math.Max(CorruptedReported, status.CorruptedCount);
        if (status.Round == 0)
        {
            UnsolicitedStatuses++;
        }
        if (status.Round == 1 && FirstRoundStatusCount < FirstRoundStatusTimes.Length)
        {
            FirstRoundStatusTimes[FirstRoundStatusCount++] = now;
        }
        _memberAnswered[member] = true;
        if (status.Kind == StatusKind.Complete)
        {
            _memberComplete[member] = true;
            return;
        }
        _memberComplete[member] = false;
        if (status.HasMore)
        {
            MoreFlagsSeen++;
        }
        for (int r = 0; r < status.RangeCount; r++)
        {
            NackRange range = status.GetRange(r);
            for (ulong f = range.First; f < range.End && f < (ulong)_needed.Length; f++)
            {
                Need(f);
            }
        }
        ReadOnlySpan<byte> counts = status.BlockCounts;
        BlockCountStatusesSeen += counts.IsEmpty ? 0u : 1u;
        for (int j = 0; j < counts.Length; j++)
        {
            ulong block = (ulong)status.FirstBlock + (ulong)j;
            if (block >= (ulong)_parityNeed.Length)
            {
                break;
            }
            byte need = (byte)(counts[j] & ~StatusMessage.BlockNeedsManifest);
            _parityNeed[block] = Math.Max(_parityNeed[block], need);
            _manifestNeed[block] |= (counts[j] & StatusMessage.BlockNeedsManifest) != 0;
        }
        ReadOnlySpan<byte> bitmap = status.Bitmap;
        BitmapStatusesSeen += bitmap.IsEmpty ? 0u : 1u;
        for (int j = 0; j < bitmap.Length; j++)
        {
            for (int i = 0; i < 8; i++)
            {
                ulong f = (ulong)status.BitmapWindowStart + (ulong)j * 8 + (ulong)i;
                if ((bitmap[j] & (1 << i)) != 0 && f < (ulong)_needed.Length)
                {
                    Need(f);
                }
            }
        }
        if (_phase == DonorPhase.AwaitingResults)
        {
            StartPass();
        }
    }

    private void Need(ulong fragment)
    {
        NackedFragments += _needed[fragment] ? 0u : 1u;
        _needed[fragment] = true;
    }

    private void OnResult(in MessageFrame frame, in DatagramEndpoint source)
    {
        if (ResultMessage.TryParse(frame, out ResultMessage result) != WireStatus.Ok)
        {
            return;
        }
        ResultsReceived++;
        int member = FindMember(result.MemberToken);
        if (member >= 0 && frame.Header.SessionId == SessionId)
        {
            _memberComplete[member] = true; // §7.2 rule 8: a member that reported is done
        }
        LastResultOutcome = result.Outcome;
        LastResultReason = result.Reason;
        ResultAckMessage ack = new ResultAckMessage(frame.Header.MessageId, result.MemberToken);
        Send(ack.TryEmit(_send, new MessageIds(NextMessageId(), frame.Header.SessionId, DonorId), out int written), written, source);
    }

    private WireStatus SignedOffer(in OfferMessage offer, ulong requesterId, uint requesterAddress, out int written)
    {
        written = 0;
        byte[] modulus = SigningKey!.ExportParameters(false).Modulus!;
        WireStatus status = offer.TryBeginSignedEmit(_send, NextIds(), modulus);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        byte[] digest = new byte[32];
        OfferSignature.TryComputeDigest(_send.AsSpan(0, OfferSignature.SignedDatagramLength), requesterId, requesterAddress, new UefiRecovery.Core.Crypto.Sha256(), digest);
        byte[] signature = SigningKey.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return OfferSignature.TryFinish(_send, signature, out written);
    }

    public void Tick(ulong now)
    {
        if (!Online)
        {
            return;
        }
        if (StatusRequestsOnly)
        {
            if (_phase != DonorPhase.Idle && now >= _phaseDeadline)
            {
                Poll(now);
                _phaseDeadline = now + StatusRequestOnlyIntervalMs;
            }
            return;
        }
        switch (_phase)
        {
            case DonorPhase.Gathering:
                if (now >= _phaseDeadline)
                {
                    if (PollFirstWhenResuming && AllMembersResuming())
                    {
                        Poll(now);
                        break;
                    }
                    Array.Fill(_needed, true);
                    StartPass();
                }
                break;
            case DonorPhase.Sending:
                SendSomeData(now);
                break;
            case DonorPhase.Polling:
                if (now >= _phaseDeadline)
                {
                    FinishPoll(now);
                }
                break;
        }
    }

    private void StartPass()
    {
        Array.Clear(_manifestSentThisPass);
        _phase = DonorPhase.Sending;
        _cursor = 0;
        _parityCursor = 0;
        _pass = (ushort)PassesStarted;
        PassesStarted++;
    }

    private void SendSomeData(ulong now)
    {
        int sent = 0;
        while (sent < FragmentsPerTick && _cursor < _needed.Length)
        {
            uint index = _pass == 0 && ShuffleFirstPass ? _firstPassOrder[_cursor] : _cursor;
            _cursor++;
            if (!_needed[index])
            {
                continue;
            }
            _needed[index] = false;
            SendData(index);
            if (SendDuplicateData)
            {
                SendData(index);
            }
            sent++;
        }
        while (_cursor >= _needed.Length && sent < FragmentsPerTick && _parityCursor < _parityNeed.Length)
        {
            uint block = _parityCursor++;
            if (_manifestNeed[block])
            {
                _manifestNeed[block] = false;
                uint first = block * (uint)ProtocolConstants.FecBlockLength;
                uint last = Math.Min(_geometry.FragmentCount, first + (uint)ProtocolConstants.FecBlockLength) - 1;
                for (uint g = _manifest.Shape.GroupOf(first); g <= _manifest.Shape.GroupOf(last); g++)
                {
                    if (SendManifests && !_manifestSentThisPass[g])
                    {
                        _manifestSentThisPass[g] = true;
                        SendManifest(g);
                    }
                }
            }
            for (int p = 0; p < _parityNeed[block]; p++)
            {
                SendParity(block, _parityNext[block]);
                _parityNext[block] = (byte)((_parityNext[block] + 1) % ProtocolConstants.FecMaxParity);
                sent++;
            }
            _parityNeed[block] = 0;
        }
        if (_cursor >= _needed.Length && _parityCursor >= _parityNeed.Length)
        {
            Poll(now);
        }
    }

    /// <summary>Parity <paramref name="parityIndex"/> of <paramref name="block"/> to the delivery address (§4.14).</summary>
    public void SendParity(uint block, int parityIndex)
    {
        uint first = block * (uint)ProtocolConstants.FecBlockLength;
        uint last = Math.Min(_geometry.FragmentCount, first + (uint)ProtocolConstants.FecBlockLength) - 1;
        int offset = (int)_geometry.OffsetOf(first);
        int length = (int)(_geometry.OffsetOf(last) + (ulong)_geometry.LengthOf(last)) - offset;
        Span<byte> parity = _parityScratch.AsSpan(0, _geometry.FragmentSize);
        if (_encoder.TryEncode(_image.AsSpan(offset, length), _geometry.FragmentSize, parityIndex, parity) != FecStatus.Ok)
        {
            throw new InvalidOperationException("encode failed");
        }
        WireStatus status = ParityMessage.TryEmit(_send, NextIds(), block, parityIndex, _pass, parity, out int written);
        Send(status, written, new DatagramEndpoint(DeliveryTarget(), ProtocolConstants.ClientPort));
        ParitySent++;
    }

    private void SendData(uint index)
    {
        uint group = _manifest.Shape.GroupOf(index);
        if (SendManifests && !_manifestSentThisPass[group])
        {
            // §7.2 rule 4: each group's MANIFEST before its first DATA of the pass.
            _manifestSentThisPass[group] = true;
            SendManifest(group);
        }
        ReadOnlySpan<byte> fragment = _image.AsSpan((int)_geometry.OffsetOf(index), _geometry.LengthOf(index));
        WireStatus status = DataMessage.TryEmit(_send, NextIds(), index, _pass, fragment, out int written);
        Send(status, written, new DatagramEndpoint(DeliveryTarget(), ProtocolConstants.ClientPort));
        DataSent++;
    }

    /// <summary>Sends group <paramref name="group"/>'s MANIFEST to the delivery address.</summary>
    public void SendManifest(uint group)
    {
        _manifest.TryWriteGroup(group, _leafScratch, _proofScratch, out int leafBytes, out int proofBytes);
        WireStatus status = ManifestMessage.TryEmit(
            _send, NextIds(), _manifest.Shape.FirstOf(group), _leafScratch.AsSpan(0, leafBytes), _proofScratch.AsSpan(0, proofBytes),
            out int written);
        Send(status, written, new DatagramEndpoint(DeliveryTarget(), ProtocolConstants.ClientPort));
        ManifestsSent++;
    }

    /// <summary>Ends member <paramref name="member"/>'s session with its abort key (§4.9).</summary>
    public void AbortMember(int member, AbortReason reason)
    {
        ulong token = _memberTokens[member];
        var abort = new AbortMessage(reason, token, AbortKeyFor(token));
        Send(abort.TryEmit(_send, NextIds(), out int written), written, _memberEndpoints[member]);
        AbortsSent++;
    }

    /// <summary>The token this donor gives (session, sender, address): a keyed hash, as §7.4 asks of a real donor.</summary>
    public ulong TokenFor(uint session, ulong senderId, uint address)
    {
        Span<byte> input = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(input, _secret);
        BinaryPrimitives.WriteUInt32BigEndian(input.Slice(8), session);
        BinaryPrimitives.WriteUInt64BigEndian(input.Slice(12), senderId);
        BinaryPrimitives.WriteUInt32BigEndian(input.Slice(20), address);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        ulong token = BinaryPrimitives.ReadUInt64BigEndian(digest);
        return token == 0 ? 1 : token;
    }

    public Hash128 AbortKeyFor(ulong token)
    {
        Span<byte> input = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(input, _secret ^ 0xAB0127);
        BinaryPrimitives.WriteUInt64BigEndian(input.Slice(8), token);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return Hash128.Read(digest);
    }

    public Hash128 CommitmentFor(ulong token)
    {
        Span<byte> key = stackalloc byte[16];
        AbortKeyFor(token).Write(key);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(key, digest);
        return Hash128.Read(digest);
    }

    private void Poll(ulong now)
    {
        _round++;
        Array.Clear(_memberAnswered);
        StatusRequestMessage request = new StatusRequestMessage(_round, ResponseWindowMs, MaxRanges, 0);
        Send(request.TryEmit(_send, NextIds(), out int written), written, new DatagramEndpoint(DeliveryTarget(), ProtocolConstants.ClientPort));
        StatusRequestsSent++;
        _phase = DonorPhase.Polling;
        _phaseDeadline = now + ResponseWindowMs + PollGraceMs;
    }

    private void FinishPoll(ulong now)
    {
        for (int i = 0; i < _needed.Length; i++)
        {
            if (_needed[i])
            {
                StartPass();
                return;
            }
        }
        for (int b = 0; b < _parityNeed.Length; b++)
        {
            if (_parityNeed[b] != 0 || _manifestNeed[b])
            {
                StartPass();
                return;
            }
        }
        for (int m = 0; m < _memberCount; m++)
        {
            if (!_memberComplete[m])
            {
                // Silent, or answered MORE with nothing new: ask again.
                Poll(now);
                return;
            }
        }
        _phase = DonorPhase.AwaitingResults;
    }

    private bool AllMembersResuming()
    {
        for (int m = 0; m < _memberCount; m++)
        {
            if (!_memberResuming[m])
            {
                return false;
            }
        }
        return _memberCount > 0;
    }

    private uint DeliveryTarget()
    {
        return DeliveryAddress;
    }

    private int FindMember(ulong token)
    {
        for (int i = 0; i < _memberCount; i++)
        {
            if (_memberTokens[i] == token)
            {
                return i;
            }
        }
        return -1;
    }

    private void SendAbort(AbortReason reason, in DatagramEndpoint destination, uint sessionId)
    {
        if (sessionId == 0)
        {
            return;
        }
        AbortMessage abort = new AbortMessage(reason, 0, default);
        Send(abort.TryEmit(_send, new MessageIds(NextMessageId(), sessionId, DonorId), out int written), written, destination);
        AbortsSent++;
    }

    private MessageIds NextIds()
    {
        return new MessageIds(NextMessageId(), SessionId, DonorId);
    }

    private uint NextMessageId()
    {
        return ++_messageId;
    }

    private void Send(WireStatus status, int written, in DatagramEndpoint destination)
    {
        if (status != WireStatus.Ok)
        {
            throw new InvalidOperationException("donor emit failed: " + status);
        }
        _network.SendToClients(_send.AsSpan(0, written), new DatagramEndpoint(Address, ProtocolConstants.DonorPort), destination);
    }
}
