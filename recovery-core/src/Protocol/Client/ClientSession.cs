using System;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol.Fec;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// The recovering machine's side of the protocol (docs/protocol.md §6): discovers donors, chooses one
/// by policy, joins its session, assembles the image from numbered fragments in any order, checking each
/// against the offer's fragment manifest as it arrives (§5.4), answers status requests with NACKs, hands
/// the complete image to the verifier and reports the result. Driven by <see cref="Poll"/> with the time
/// passed in; every buffer is allocated at creation and nothing is allocated per packet.
/// </summary>
public sealed class ClientSession
{
    private readonly ClientConfig _config;
    private readonly ClientTimings _timings;
    private readonly DonorPolicy _policy;
    private readonly IDatagramTransport _transport;
    private readonly IImageVerifier _verifier;
    private readonly ProtocolRandom _random;
    private readonly byte[] _sendBuffer;
    private readonly byte[] _receiveBuffer;
    private readonly byte[] _image;
    // Present fragments (verified or tentative, §6.3): what STATUS does not NACK.
    private readonly FragmentBitmap _bitmap;
    // Present but not yet checked: their group's MANIFEST has not arrived.
    private readonly FragmentBitmap _tentative;
    // Groups whose MANIFEST verified against the root; their leaves are in _leaves.
    private readonly FragmentBitmap _groupsVerified;
    private readonly Hash128[] _leaves;
    private readonly IManifestHash _manifestHash;
    private readonly Sha256 _sha;
    private readonly DonorSelector _offers;
    private readonly DonorExclusions _excluded;
    private readonly NackRange[] _ranges;
    private readonly byte[] _nackBitmap;
    // Most STATUS datagrams in one answer (§4.6): the bitmap windows that cover the client's whole capacity.
    private readonly int _statusPartsCap;
    private readonly ulong _clientId;
    // FEC (§5.5): parity held until its block decodes, the decoder, and per-block scratch for BLOCK COUNTS.
    private readonly ParityStore _parity;
    private readonly ErasureCode _decoder;
    private readonly byte[] _blockNeeds;
    private readonly byte[] _decodeMissing = new byte[ProtocolConstants.FecBlockLength];
    private readonly byte[] _decodeIndices = new byte[ProtocolConstants.FecBlockLength];
    private readonly ushort[] _decodeSlots = new ushort[ProtocolConstants.FecBlockLength];
    // A decode failed its manifest check this image: someone forges parity, so NACK sources as an old client does.
    private bool _parityDistrusted;

    private ClientState _state;
    private ulong _lastNow;
    private uint _lastMessageId;
    private RequestReason _reason;

    // Discovery (§6.1, §6.4).
    private uint _discoveryMessageId;
    private RetryBackoff _requestTimer;
    private bool _offerWindowOpen;
    private ulong _offerWindowClosesAt;
    // When the current discovery sent its first REQUEST: the offer window runs T_offer from here (§6.1).
    private ulong _discoveryStartedAt;
    private uint _offerSequence;
    // Bit i: configured manager i sent an acceptable OFFER for the current discovery (early close, §6.1).
    private uint _managersOffered;
    // RSA checks spent on this discovery's signed offers (§6.8: at most MaxSignatureChecksPerDiscovery).
    private int _signatureChecks;
    // A claim proved false this run (rejected image, stalled session, bad signature): §6.4.
    private bool _claimsDisproved;
    // §4.12: READINESS goes out with each REQUEST until the first acceptable OFFER; one message id for all copies.
    private bool _readinessPending;
    private uint _readinessMessageId;

    // The chosen offer and the image it describes; the image survives rediscovery for resume (§6.6).
    private OfferRecord _chosen;
    private RetryBackoff _acceptTimer;
    private uint _acceptMessageId;
    private ulong _heldImageId;
    private FragmentGeometry _geometry;
    private ManifestShape _shape;
    private Hash128 _heldRoot;

    // Receiving (§6.3, §6.5). Liveness is progress (a newly held fragment); traffic only drives the quiet timer.
    private ulong _lastProgressAt;
    private ulong _lastSessionTrafficAt;
    private bool _quietTimerStale;
    private RetryBackoff _quietTimer;
    private bool _statusPending;
    private uint _statusPendingRound;
    private ushort _statusPendingMaxRanges;
    private ulong _statusDueAt;
    // §6.5: answers a STATUS_REQUEST earned without progress since the last STATUS draw on this budget.
    private ulong _statusBudgetMs = StatusBudgetCapMs;
    private ulong _statusBudgetAt;
    private uint _heldAtLastStatus;

    // Verdict and RESULT (§6.7).
    private ImageVerdict _verdict;
    private ResultMessage _result;
    private uint _resultMessageId;
    private RetryBackoff _resultTimer;
    private bool _resultAcknowledged;

    private ClientSession(ClientConfig config, IDatagramTransport transport, IImageVerifier verifier)
    {
        _config = config;
        _timings = config.Timings;
        _policy = config.Policy ?? DonorPolicy.CreateDefault(default);
        _transport = transport;
        _verifier = verifier;
        _random = new ProtocolRandom(config.RandomSeed);
        _sendBuffer = new byte[config.MaxDatagram];
        _receiveBuffer = new byte[config.MaxDatagram];
        uint capacity = ClientBuffers.LeafCapacityFor(config.ImageCapacity);
        _bitmap = new FragmentBitmap(capacity);
        _tentative = new FragmentBitmap(capacity);
        _groupsVerified = new FragmentBitmap(capacity);
        if (config.SharedBuffers != null)
        {
            _image = config.SharedBuffers.Image;
            _leaves = config.SharedBuffers.Leaves;
        }
        else
        {
            _image = new byte[config.ImageCapacity];
            _leaves = new Hash128[capacity];
        }
        if (config.ManifestHash != null)
        {
            _manifestHash = config.ManifestHash;
        }
        else
        {
            _manifestHash = new PortableManifestHash();
        }
        _sha = new Sha256();
        _offers = new DonorSelector(DonorSelector.DefaultCapacity,
            config.TrustedManagerKeyCount > 0 ? OfferSignature.SignedDatagramLength : 0);
        _excluded = new DonorExclusions(DonorExclusions.DefaultCapacity);
        _ranges = new NackRange[ProtocolLimits.MaxNackRanges];
        _nackBitmap = new byte[ProtocolLimits.MaxNackBitmapBytes];
        // §4.6: enough STATUS datagrams per answer for bitmap windows over every fragment this client can hold.
        int windowBytes = Math.Min(ProtocolLimits.MaxNackBitmapBytes,
            config.MaxDatagram - MessageHeader.Length - StatusMessage.FixedLength - StatusMessage.BitmapPrefixLength);
        _statusPartsCap = windowBytes <= 0 ? 1 : (int)Math.Max(1u, (capacity + (uint)windowBytes * 8 - 1) / ((uint)windowBytes * 8));
        _clientId = config.MacAddress;
        int maxFragment = config.MaxDatagram - ProtocolConstants.FragmentOverhead;
        int paritySlots = config.UseFec && config.FecParitySlots > 0 ? Math.Max(config.FecParitySlots, ProtocolConstants.FecBlockLength) : 0;
        _parity = new ParityStore(paritySlots, maxFragment);
        _decoder = new ErasureCode(ProtocolConstants.FecBlockLength, maxFragment);
        _blockNeeds = new byte[ProtocolLimits.MaxNackBitmapBytes];
        _reason = config.Reason;
        _lastMessageId = _random.NextUInt32();
        _readinessPending = config.InstructionId != 0 && config.ManagerCount > 0;
        _readinessMessageId = _readinessPending ? NextMessageId() : 0;
        _state = ClientState.Idle;
    }

    /// <summary>Validates <paramref name="config"/> and allocates every buffer the session will use.</summary>
    public static ClientSetupStatus TryCreate(
        ClientConfig config, IDatagramTransport transport, IImageVerifier verifier, out ClientSession? session)
    {
        session = null;
        if (config.MacAddress == 0 || (config.MacAddress >> 48) != 0)
        {
            return ClientSetupStatus.InvalidMacAddress;
        }
        if (config.MaxDatagram < ProtocolLimits.MinDatagram || config.MaxDatagram > ProtocolLimits.MaxDatagram)
        {
            return ClientSetupStatus.InvalidMaxDatagram;
        }
        if (config.DeliveryModes == DeliveryModes.None || (config.DeliveryModes & ~DeliveryModes.All) != 0)
        {
            return ClientSetupStatus.InvalidDeliveryModes;
        }
        if (config.ManagerCount == 0 && (!config.DiscoverByBroadcast || config.BroadcastEndpoint.IsUnspecified))
        {
            return ClientSetupStatus.NoDiscoveryTarget;
        }
        if (config.ImageCapacity == 0
            || (config.SharedBuffers != null && (config.SharedBuffers.Image.Length != config.ImageCapacity
                || config.SharedBuffers.Leaves.Length != ClientBuffers.LeafCapacityFor(config.ImageCapacity))))
        {
            return ClientSetupStatus.InvalidImageCapacity;
        }
        if (config.TrustedManagerKeyCount > 0 && config.MaxDatagram < OfferSignature.SignedDatagramLength)
        {
            return ClientSetupStatus.DatagramTooSmallForSignedOffers;
        }
        session = new ClientSession(config, transport, verifier);
        return ClientSetupStatus.Ok;
    }

    public ClientState State => _state;

    /// <summary>The client's sender id (its MAC address).</summary>
    public ulong ClientId => _clientId;

    /// <summary>The offer being accepted or received (valid from DonorChosen on).</summary>
    public OfferRecord ChosenOffer => _chosen;

    /// <summary>Most RSA signature checks the client spends on the signed offers of one discovery (§6.8).</summary>
    public const int MaxSignatureChecksPerDiscovery = 16;

    // §6.5: without progress since its last STATUS, a client answers STATUS_REQUESTs at 1 per second sustained,
    // 3 at once; a STATUS after new fragments arrived is always sent.
    private const ulong StatusBudgetCostMs = 1000;
    private const ulong StatusBudgetCapMs = 3000;

    // §6.5: once its COMPLETE went, a member answers a request to the whole session again only after this long: the
    // donor stopped asking it, and rounds held for a few short members must not draw a COMPLETE from every member
    // each time (N answers per round). A request addressed to it alone is answered as before.
    private const ulong CompleteRepeatMs = 2000;
    private ulong _completeSentAt;
    private bool _completeSent;

    public uint FragmentCount => _bitmap.Count;

    /// <summary>Requests to the whole session left unanswered because this member said COMPLETE less than 2 s before.</summary>
    public uint CompleteRepeatsSkipped { get; private set; }

    /// <summary>Fragments held and verified against the manifest.</summary>
    public uint FragmentsHeld => _bitmap.HeldCount - _tentative.HeldCount;

    /// <summary>Fragments kept tentatively until their group's MANIFEST arrives.</summary>
    public uint FragmentsTentative => _tentative.HeldCount;

    /// <summary>Image id of the fragments held (0 if none).</summary>
    public ulong HeldImageId => _bitmap.HeldCount != 0 ? _heldImageId : 0;

    /// <summary>The verdict of the last verification.</summary>
    public ImageVerdict LastVerdict => _verdict;

    /// <summary>True once the donor acknowledged the RESULT.</summary>
    public bool ResultAcknowledged => _resultAcknowledged;

    /// <summary>The complete, verified image (empty before <see cref="ClientState.Verified"/>).</summary>
    public ReadOnlySpan<byte> VerifiedImage =>
        _state >= ClientState.Verified ? new ReadOnlySpan<byte>(_image, 0, (int)_geometry.ImageSize) : default;

    /// <summary>Exclusion entries in use (rejected images and stalled sessions, §6.7).</summary>
    public int ExcludedDonorCount => _excluded.Count;

    // Counters for the status display and the tests.
    public uint DatagramsReceived { get; private set; }
    public uint MalformedDropped { get; private set; }
    public uint ChecksumFailures { get; private set; }
    /// <summary>DATA of the current image that arrived with a bad CRC (§6.3).</summary>
    public uint CorruptedFragments { get; private set; }
    public uint DuplicateFragments { get; private set; }
    /// <summary>DATA and MANIFEST of the current session with a good CRC that failed the manifest (§5.4).</summary>
    public uint ForgedFragments { get; private set; }
    /// <summary>Offers dropped because signed offers are required and theirs was missing, untrusted or bad (§6.8).</summary>
    public uint OffersUnauthenticated { get; private set; }
    /// <summary>RSA checks spent on signed offers.</summary>
    public uint SignatureChecks { get; private set; }
    /// <summary>Sessions left because they made no progress for T_lost (§6.5).</summary>
    public uint SessionsStalled { get; private set; }
    public uint RequestsSent { get; private set; }

    /// <summary>READINESS datagrams sent (each to every configured manager), §4.12.</summary>
    public uint ReadinessSent { get; private set; }
    /// <summary>STATUS answers sent (each one series of datagrams, §4.6).</summary>
    public uint StatusesSent { get; private set; }

    /// <summary>STATUS datagrams sent: an answer that lists more than one datagram holds takes several.</summary>
    public uint StatusDatagramsSent { get; private set; }
    public uint ImagesRejected { get; private set; }

    /// <summary>PARITY datagrams of the session taken into the parity store (§5.5).</summary>
    public uint ParityReceived { get; private set; }

    /// <summary>Fragments restored from parity and verified against the manifest (§5.5).</summary>
    public uint FragmentsDecoded { get; private set; }

    /// <summary>Block decodes whose output failed the manifest or the code's own padding check: forged parity (§5.5).</summary>
    public uint DecodesRejected { get; private set; }

    /// <summary>True while the session reports BLOCK COUNTS and takes PARITY (§5.5).</summary>
    public bool FecActive => _config.UseFec && _parity.SlotCount > 0 && (_chosen.Traits & OfferTraits.Fec) != 0 && !_parityDistrusted;

    /// <summary>
    /// Does all due work: handles waiting datagrams (at most MaxReceivesPerPoll), then timers.
    /// Call it often (every few milliseconds while receiving); a <paramref name="nowMs"/> earlier than the
    /// previous one is treated as the previous one.
    /// </summary>
    public ClientEvents Poll(ulong nowMs)
    {
        // A clock that steps back (firmware timers are not always monotonic) must not make every
        // "time since" subtraction wrap and fire; time simply stands still until it catches up.
        nowMs = nowMs < _lastNow ? _lastNow : nowMs;
        _lastNow = nowMs;
        ClientEvents events = ClientEvents.None;
        if (_state == ClientState.Idle)
        {
            EnterDiscovering(nowMs);
        }
        for (int i = 0; i < _config.MaxReceivesPerPoll; i++)
        {
            int length = _transport.TryReceive(_receiveBuffer, out DatagramEndpoint source);
            if (length <= 0)
            {
                break;
            }
            if (length > _receiveBuffer.Length)
            {
                MalformedDropped++;
                continue;
            }
            DatagramsReceived++;
            Handle(new ReadOnlySpan<byte>(_receiveBuffer, 0, length), source, nowMs, ref events);
        }
        RunTimers(nowMs, ref events);
        return events;
    }

    /// <summary>
    /// After <see cref="ClientEvents.ImageVerified"/>: the caller wrote (or failed to write) the image
    /// and reports the outcome, which is sent as RESULT until acknowledged. False in any other state.
    /// </summary>
    public bool ReportOutcome(ulong nowMs, bool success, ResultReason reason, uint firmwareVersion)
    {
        if (_state != ClientState.Verified)
        {
            return false;
        }
        _result = new ResultMessage(
            _heldImageId, success ? ResultOutcome.Success : ResultOutcome.Failure,
            success ? ResultReason.None : reason, firmwareVersion, _chosen.Offer.Binding.MemberToken);
        _resultMessageId = NextMessageId();
        _resultTimer.Start(nowMs, _timings.ResultRetryMs, _timings.ResultRetryMaxMs, _timings.JitterPercent);
        _state = ClientState.Reporting;
        return true;
    }

    // ---- receive path -------------------------------------------------------------------------

    private void Handle(ReadOnlySpan<byte> datagram, in DatagramEndpoint source, ulong now, ref ClientEvents events)
    {
        if (MessageFrame.TryReadStructure(datagram, out MessageFrame frame) != WireStatus.Ok)
        {
            MalformedDropped++;
            return;
        }
        if (!frame.HasValidChecksum)
        {
            ChecksumFailures++;
            if (frame.Type == MessageType.Data)
            {
                NoteCorruptedData(frame);
            }
            return;
        }
        switch (frame.Type)
        {
            case MessageType.Offer:
                HandleOffer(frame, source, now, ref events);
                break;
            case MessageType.Data:
                HandleData(frame, now, ref events);
                break;
            case MessageType.Manifest:
                HandleManifest(frame, now, ref events);
                break;
            case MessageType.Parity:
                HandleParity(frame, now, ref events);
                break;
            case MessageType.StatusRequest:
                HandleStatusRequest(frame, now, ref events);
                break;
            case MessageType.ResultAck:
                HandleResultAck(frame, ref events);
                break;
            case MessageType.Abort:
                HandleAbort(frame, source, now, ref events);
                break;
            default:
                // REQUEST, ACCEPT, STATUS and RESULT are addressed to donors.
                break;
        }
    }

    private void HandleOffer(in MessageFrame frame, in DatagramEndpoint source, ulong now, ref ClientEvents events)
    {
        if (_state != ClientState.Discovering)
        {
            return;
        }
        if (OfferMessage.TryParse(frame, out OfferMessage offer) != WireStatus.Ok)
        {
            MalformedDropped++;
            return;
        }
        ulong donorId = frame.Header.SenderId;
        if (offer.InReplyTo != _discoveryMessageId || !IsAcceptable(offer, source))
        {
            return;
        }
        OfferTraits traits = OfferTraits.None;
        ReadOnlySpan<byte> keep = default;
        if (_config.TrustedManagerKeyCount > 0)
        {
            // §6.8: the cheap half now (signed, with a trusted modulus); the RSA check when it would be chosen.
            if (OfferSignature.CheckKey(frame, _config.TrustedManagerKeyHashes, _sha) != OfferSignatureCheck.Valid)
            {
                OffersUnauthenticated++;
                return;
            }
            traits |= OfferTraits.SignaturePending;
            keep = frame.Message;
        }
        if ((frame.Header.Flags & ProtocolConstants.FlagFec) != 0)
        {
            traits |= OfferTraits.Fec;
        }
        if (NoteManagerOffered(source))
        {
            traits |= OfferTraits.FromConfiguredManager;
        }
        if (_excluded.Demotes(donorId, source.Address, now))
        {
            traits |= OfferTraits.Demoted;
        }
        OfferRecord record = new OfferRecord(
            donorId, source, frame.Header.MessageId, frame.Header.SessionId, offer, _offerSequence, traits, _random.NextUInt32());
        _offerSequence++;
        if (_offers.TryAdd(record, keep, _policy, Context))
        {
            events |= ClientEvents.OfferReceived;
            _readinessPending = false;
            if (!_offerWindowOpen)
            {
                // §6.1: T_offer from the discovery's first REQUEST, so an offer that needed retransmitted REQUESTs
                // does not make this machine join later than its peers; at least T_late for that offer's peers.
                _offerWindowOpen = true;
                _offerWindowClosesAt = Math.Max(_discoveryStartedAt + _timings.OfferWindowMs, now + _timings.OfferLateWindowMs);
            }
        }
        // §6.1 early close: without the broadcast copy only the configured managers were asked; once each
        // has offered nobody is left to wait for, so the timers of this same Poll choose.
        if (_offerWindowOpen && !_config.DiscoverByBroadcast && _config.ManagerCount > 0
            && _managersOffered == (1u << _config.ManagerCount) - 1)
        {
            _offerWindowClosesAt = now;
        }
    }

    /// <summary>Marks the configured manager the offer came from (a manager answers from the address and port asked).</summary>
    private bool NoteManagerOffered(in DatagramEndpoint source)
    {
        bool matched = false;
        for (int i = 0; i < _config.ManagerCount; i++)
        {
            if (_config.GetManager(i).Matches(source))
            {
                _managersOffered |= 1u << i;
                matched = true;
            }
        }
        return matched;
    }

    private PolicyContext Context => new PolicyContext(HeldImageId, _claimsDisproved);

    /// <summary>§6.4: what makes an offer acceptable before the policy ranks it.</summary>
    private bool IsAcceptable(in OfferMessage offer, in DatagramEndpoint source)
    {
        DeliveryModes modeBit = (DeliveryModes)(1 << ((int)offer.DeliveryMode - 1));
        return offer.ImageType.Matches(_config.ImageType)
            && offer.ImageVersion >= _config.LowestAcceptableVersion
            && offer.Geometry.ImageSize <= (uint)_image.Length
            && offer.Geometry.FragmentCount <= _bitmap.Capacity
            && offer.Geometry.FragmentSize <= _config.MaxDatagram - ProtocolConstants.FragmentOverhead
            && ManifestFits(offer)
            && (_config.DeliveryModes & modeBit) != 0
            // A unicast session streams to the address in the offer: it must be ours.
            && (offer.DeliveryMode != DeliveryMode.Unicast || _config.Ipv4Address == 0 || offer.DeliveryAddress == _config.Ipv4Address)
            && !_excluded.ExcludesRoot(offer.Binding.ManifestRoot);
    }

    /// <summary>§6.4: the offer's MANIFESTs must fit this client's datagrams.</summary>
    private bool ManifestFits(in OfferMessage offer)
    {
        return ManifestShape.TryCreate(offer.Geometry.FragmentCount, offer.Binding.GroupShift, out ManifestShape shape)
            && shape.LargestManifestPayload <= _config.MaxDatagram - MessageHeader.Length;
    }

    /// <summary>
    /// §6.8: the RSA half of a kept signed offer's check, done when the offer would be chosen, in ranking order,
    /// at most <see cref="MaxSignatureChecksPerDiscovery"/> per discovery: offers that arrived in a flood wait
    /// for their turn instead of being dropped, and junk that ranks first costs one check each and disproves
    /// the claims it made.
    /// </summary>
    private bool VerifyKeptSignature(ReadOnlySpan<byte> datagram)
    {
        SignatureChecks++;
        _signatureChecks++;
        return MessageFrame.TryParse(datagram, out MessageFrame frame) == WireStatus.Ok
            && OfferSignature.VerifyTrustedKeySignature(frame, _clientId, _config.Ipv4Address, _sha);
    }

    private bool IsFromChosenSession(in MessageFrame frame)
    {
        return (_state == ClientState.Accepting || _state == ClientState.Receiving
                || _state == ClientState.Verified || _state == ClientState.Reporting)
            && frame.Header.SessionId == _chosen.SessionId
            && frame.Header.SenderId == _chosen.DonorId;
    }

    private void HandleData(in MessageFrame frame, ulong now, ref ClientEvents events)
    {
        if (!IsFromChosenSession(frame))
        {
            return;
        }
        if (DataMessage.TryParse(frame, out DataMessage data) != WireStatus.Ok
            || data.Fragment.Length != _geometry.LengthOf(data.FragmentIndex))
        {
            MalformedDropped++;
            return;
        }
        NoteSessionTraffic(now, ref events);
        uint index = data.FragmentIndex;
        if (_state != ClientState.Receiving || _bitmap.IsHeld(index))
        {
            DuplicateFragments++;
            return;
        }
        uint group = _shape.GroupOf(index);
        if (_groupsVerified.IsHeld(group))
        {
            // §6.3 rule 4: checked on arrival; a forged copy never takes the place of the good one.
            if (!_manifestHash.Leaf(_heldImageId, index, data.Fragment).Equals(_leaves[index]))
            {
                ForgedFragments++;
                return;
            }
            StoreFragment(index, data.Fragment);
            OnProgress(now, ref events);
            if (_parity.UsedCount != 0)
            {
                TryDecodeBlock(index / ProtocolConstants.FecBlockLength, now, ref events);
            }
            return;
        }
        if (index == _shape.FirstOf(group))
        {
            // §6.3 rule 5: the group's first fragment stays missing until its MANIFEST is here, so the
            // next STATUS asks for it and the repair pass brings the MANIFEST along.
            return;
        }
        StoreFragment(index, data.Fragment);
        _tentative.TryMarkHeld(index);
    }

    private void StoreFragment(uint index, ReadOnlySpan<byte> fragment)
    {
        fragment.CopyTo(new Span<byte>(_image, (int)_geometry.OffsetOf(index), fragment.Length));
        _bitmap.TryMarkHeld(index);
    }

    /// <summary>§6.3 rule 3: a MANIFEST that proves against the chosen offer's root makes its group checkable.</summary>
    private void HandleManifest(in MessageFrame frame, ulong now, ref ClientEvents events)
    {
        if (!IsFromChosenSession(frame))
        {
            return;
        }
        if (ManifestMessage.TryParse(frame, out ManifestMessage manifest) != WireStatus.Ok)
        {
            MalformedDropped++;
            return;
        }
        NoteSessionTraffic(now, ref events);
        if (_state != ClientState.Receiving || manifest.FirstIndex >= _shape.FragmentCount)
        {
            return;
        }
        uint group = _shape.GroupOf(manifest.FirstIndex);
        if (_groupsVerified.IsHeld(group))
        {
            return;
        }
        if (!ManifestProof.Verify(_manifestHash, _shape, _chosen.Offer.Binding.ManifestRoot, manifest.FirstIndex,
                manifest.Leaves, manifest.Proof))
        {
            ForgedFragments++;
            return;
        }
        uint first = manifest.FirstIndex;
        for (int i = 0; i < manifest.LeafCount; i++)
        {
            _leaves[first + (uint)i] = Hash128.Read(manifest.Leaves.Slice(i * Hash128.Length));
        }
        _groupsVerified.TryMarkHeld(group);
        CheckTentative(group, now, ref events);
        if (_parity.UsedCount != 0)
        {
            // Blocks waiting for these leaves to decode (§5.5).
            uint lastBlock = (first + (uint)manifest.LeafCount - 1) / ProtocolConstants.FecBlockLength;
            for (uint block = first / ProtocolConstants.FecBlockLength; block <= lastBlock; block++)
            {
                TryDecodeBlock(block, now, ref events);
            }
        }
    }

    /// <summary>§5.5: a PARITY of the chosen session is kept for its block, which is decoded once it has enough.</summary>
    private void HandleParity(in MessageFrame frame, ulong now, ref ClientEvents events)
    {
        if (!IsFromChosenSession(frame))
        {
            return;
        }
        if (ParityMessage.TryParse(frame, out ParityMessage parity) != WireStatus.Ok
            || parity.Parity.Length != _geometry.FragmentSize || parity.Block >= BlockCount)
        {
            MalformedDropped++;
            return;
        }
        NoteSessionTraffic(now, ref events);
        int missing = _state == ClientState.Receiving && FecActive ? MissingIn(parity.Block) : 0;
        if (missing == 0)
        {
            DuplicateFragments++;
            return;
        }
        bool completes = _parity.CountOf(parity.Block) + 1 >= missing;
        if (_parity.TryStore(parity.Block, parity.ParityIndex, parity.Parity, completes))
        {
            ParityReceived++;
            TryDecodeBlock(parity.Block, now, ref events);
        }
        else
        {
            DuplicateFragments++;
        }
    }

    private uint BlockCount => (_bitmap.Count + ProtocolConstants.FecBlockLength - 1) / ProtocolConstants.FecBlockLength;

    private uint BlockFirst(uint block) => block * ProtocolConstants.FecBlockLength;

    private uint BlockEnd(uint block) => Math.Min(_bitmap.Count, BlockFirst(block) + ProtocolConstants.FecBlockLength);

    /// <summary>Fragments of <paramref name="block"/> not present (tentative ones count as present).</summary>
    private int MissingIn(uint block)
    {
        int missing = 0;
        uint end = BlockEnd(block);
        for (uint i = _bitmap.NextMissing(BlockFirst(block)); i < end; i = _bitmap.NextMissing(i + 1))
        {
            missing++;
        }
        return missing;
    }

    /// <summary>Whether every manifest group overlapping <paramref name="block"/> has verified leaves.</summary>
    private bool BlockLeavesKnown(uint block)
    {
        uint end = BlockEnd(block);
        for (uint index = BlockFirst(block); index < end; index = _shape.FirstOf(_shape.GroupOf(index)) + _shape.LeafCountOf(_shape.GroupOf(index)))
        {
            if (!_groupsVerified.IsHeld(_shape.GroupOf(index)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// §5.5: restores a block's missing fragments once it holds as many parity fragments as it misses, its leaves are
    /// known and nothing in it is tentative. Every restored fragment is checked against its manifest leaf exactly as a
    /// received DATA is (rule 4 of §6.3): a forged parity cannot put a byte into the image. Output that fails stays
    /// missing, the block's parity is dropped, and the client stops trusting parity for this image (it NACKs sources).
    /// </summary>
    private void TryDecodeBlock(uint block, ulong now, ref ClientEvents events)
    {
        int missing = MissingIn(block);
        if (missing == 0)
        {
            _parity.Release(block);
            return;
        }
        int held = _parity.CountOf(block);
        if (held < missing || !BlockLeavesKnown(block))
        {
            return;
        }
        uint first = BlockFirst(block);
        uint end = BlockEnd(block);
        if (_tentative.HeldCount != 0 && _tentative.NextHeld(first) < end)
        {
            return;
        }
        int e = 0;
        for (uint i = _bitmap.NextMissing(first); i < end; i = _bitmap.NextMissing(i + 1))
        {
            _decodeMissing[e++] = (byte)(i - first);
        }
        _parity.Collect(block, new Span<byte>(_decodeIndices, 0, e), new Span<ushort>(_decodeSlots, 0, e));
        int blockOffset = (int)_geometry.OffsetOf(first);
        int blockLength = (int)(_geometry.OffsetOf(end - 1) + (ulong)_geometry.LengthOf(end - 1) - _geometry.OffsetOf(first));
        FecStatus status = _decoder.TryDecode(
            new Span<byte>(_image, blockOffset, blockLength), _geometry.FragmentSize,
            new ReadOnlySpan<byte>(_decodeMissing, 0, e), new ReadOnlySpan<byte>(_decodeIndices, 0, e),
            _parity.Pool, new ReadOnlySpan<ushort>(_decodeSlots, 0, e));
        _parity.Release(block);
        bool rejected = status != FecStatus.Ok;
        bool progressed = false;
        if (!rejected)
        {
            for (int c = 0; c < e; c++)
            {
                uint index = first + _decodeMissing[c];
                ReadOnlySpan<byte> fragment = new ReadOnlySpan<byte>(_image, (int)_geometry.OffsetOf(index), _geometry.LengthOf(index));
                if (_manifestHash.Leaf(_heldImageId, index, fragment).Equals(_leaves[index]))
                {
                    _bitmap.TryMarkHeld(index);
                    FragmentsDecoded++;
                    progressed = true;
                }
                else
                {
                    rejected = true;
                }
            }
        }
        if (rejected)
        {
            DecodesRejected++;
            ForgedFragments++;
            _parityDistrusted = true;
            _parity.Clear();
        }
        if (progressed)
        {
            OnProgress(now, ref events);
        }
    }

    /// <summary>§6.3 rule 5: the tentative fragments of a group whose leaves just arrived are checked now.</summary>
    private void CheckTentative(uint group, ulong now, ref ClientEvents events)
    {
        uint first = _shape.FirstOf(group);
        uint end = first + _shape.LeafCountOf(group);
        bool progressed = false;
        for (uint index = _tentative.NextHeld(first); index < end; index = _tentative.NextHeld(index + 1))
        {
            _tentative.TryMarkMissing(index);
            int length = _geometry.LengthOf(index);
            ReadOnlySpan<byte> fragment = new ReadOnlySpan<byte>(_image, (int)_geometry.OffsetOf(index), length);
            if (_manifestHash.Leaf(_heldImageId, index, fragment).Equals(_leaves[index]))
            {
                progressed = true;
            }
            else
            {
                ForgedFragments++;
                _bitmap.TryMarkMissing(index);
            }
        }
        if (progressed)
        {
            OnProgress(now, ref events);
        }
    }

    private void OnProgress(ulong now, ref ClientEvents events)
    {
        _lastProgressAt = now;
        events |= ClientEvents.FragmentsReceived;
        if (_bitmap.IsComplete && _tentative.HeldCount == 0)
        {
            OnImageComplete(now, ref events);
        }
    }

    /// <summary>§6.3: a DATA that failed its CRC but still looks like one of ours counts as corrupted.</summary>
    private void NoteCorruptedData(in MessageFrame frame)
    {
        if (_state != ClientState.Receiving && _state != ClientState.Accepting)
        {
            return;
        }
        if (frame.Header.SessionId != _chosen.SessionId || frame.Header.SenderId != _chosen.DonorId)
        {
            return;
        }
        if (DataMessage.TryParse(frame, out DataMessage data) != WireStatus.Ok)
        {
            return;
        }
        if (data.Fragment.Length == _geometry.LengthOf(data.FragmentIndex))
        {
            // The fragment stays (or is) missing, so the next STATUS NACKs it; a held copy is never replaced.
            CorruptedFragments++;
        }
    }

    private void HandleStatusRequest(in MessageFrame frame, ulong now, ref ClientEvents events)
    {
        if (!IsFromChosenSession(frame))
        {
            return;
        }
        if (StatusRequestMessage.TryParse(frame, out StatusRequestMessage request) != WireStatus.Ok)
        {
            MalformedDropped++;
            return;
        }
        NoteSessionTraffic(now, ref events);
        if (request.TargetClientId != 0 && request.TargetClientId != _clientId)
        {
            return;
        }
        if (request.TargetClientId == 0 && _completeSent && now - _completeSentAt < CompleteRepeatMs
            && (_state == ClientState.Verified || _state == ClientState.Reporting))
        {
            CompleteRepeatsSkipped++;
            return;
        }
        if (_statusPending && request.Round <= _statusPendingRound)
        {
            // The same round again, or an older one: it must not change the round the answer carries (a forged
            // old round would make the donor read the answer as late and drop its NACKs, §7.2 rule 6).
            return;
        }
        // §4.5/§6.5: spread answers over the window so members do not answer in one burst, but never
        // longer than MaxAnswerDelayMs, and a later request never postpones an answer already due
        // (STATUS_REQUEST is unauthenticated: a forged one must not be able to silence the client).
        uint window = Math.Min(request.ResponseWindowMs, _timings.MaxAnswerDelayMs);
        ulong due = now + (window == 0 ? 0u : _random.NextBelow(window));
        _statusDueAt = _statusPending && _statusDueAt < due ? _statusDueAt : due;
        _statusPending = true;
        _statusPendingRound = request.Round;
        _statusPendingMaxRanges = request.MaxRanges;
    }

    private void HandleResultAck(in MessageFrame frame, ref ClientEvents events)
    {
        if (_state != ClientState.Reporting || !IsFromChosenSession(frame))
        {
            return;
        }
        // §6.5: only an ACK that names our RESULT and carries our token (nobody who missed our OFFER has it).
        if (ResultAckMessage.TryParse(frame, out ResultAckMessage ack) != WireStatus.Ok || ack.InReplyTo != _resultMessageId
            || ack.MemberToken != _chosen.Offer.Binding.MemberToken)
        {
            return;
        }
        _resultAcknowledged = true;
        _state = ClientState.Finished;
        events |= ClientEvents.ResultAcknowledged | ClientEvents.Finished;
    }

    private void HandleAbort(in MessageFrame frame, in DatagramEndpoint source, ulong now, ref ClientEvents events)
    {
        if (!IsFromChosenSession(frame) || AbortMessage.TryParse(frame, out AbortMessage abort) != WireStatus.Ok)
        {
            return;
        }
        bool fromDonor = source.Matches(_chosen.DonorEndpoint);
        if (_state == ClientState.Accepting)
        {
            // §6.5: nothing of the session arrived yet; a donor that restarted or is full cannot know the key.
            if (fromDonor || OpensAbortCommitment(abort.AbortKey))
            {
                _offers.Remove(_chosen.ArrivalSequence);
                ChooseNextOrRediscover(now, ref events);
            }
        }
        else if (_state == ClientState.Receiving)
        {
            // Only the key ends a running session: a keyless ABORT can be spoofed from the donor's address by
            // anyone who saw a broadcast DATA. A restarted donor with its secret sends a keyed one (§7.4);
            // without it, T_lost ends the session.
            if (OpensAbortCommitment(abort.AbortKey))
            {
                events |= ClientEvents.SessionAborted;
                EnterDiscovering(now);
            }
        }
        // Verified/Reporting: the image is already ours; the RESULT may simply stay unacknowledged.
    }

    /// <summary>§4.9: SHA-256 of the key begins with the commitment the chosen OFFER carried.</summary>
    private bool OpensAbortCommitment(Hash128 key)
    {
        if (key.IsZero)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[Hash128.Length];
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        key.Write(bytes);
        Sha256.Hash(bytes, digest);
        return Hash128.Read(digest).Equals(_chosen.Offer.Binding.AbortCommitment);
    }

    /// <summary>Any DATA or STATUS_REQUEST of the session confirms the ACCEPT and resets the silence timers.</summary>
    private void NoteSessionTraffic(ulong now, ref ClientEvents events)
    {
        if (_state == ClientState.Accepting)
        {
            _state = ClientState.Receiving;
            events |= ClientEvents.Joined;
        }
        _lastSessionTrafficAt = now;
        _quietTimerStale = true;
    }

    private void OnImageComplete(ulong now, ref ClientEvents events)
    {
        events |= ClientEvents.ImageComplete;
        _verdict = _verifier.Verify(new ReadOnlySpan<byte>(_image, 0, (int)_geometry.ImageSize), _chosen.Offer);
        if (_verdict.IsAccepted && _verdict.ImageVersion != _chosen.Offer.ImageVersion)
        {
            // §6.7: the announced version was a claim; the verified capsule says otherwise.
            _verdict = ImageVerdict.Reject(ResultReason.AnnouncedVersionMismatch);
        }
        if (_verdict.IsAccepted)
        {
            _state = ClientState.Verified;
            events |= ClientEvents.ImageVerified;
            return;
        }
        // §6.7: tell the donor, exclude the offer (its root for good, its id and address for a while),
        // drop every fragment (we cannot tell which ones were bad), and ask the network again.
        ImagesRejected++;
        _claimsDisproved = true;
        events |= ClientEvents.ImageRejected;
        ResultMessage rejection = new ResultMessage(
            _heldImageId, ResultOutcome.Failure, _verdict.Reason, _config.CurrentVersion, _chosen.Offer.Binding.MemberToken);
        if (rejection.TryEmit(_sendBuffer, new MessageIds(NextMessageId(), _chosen.SessionId, _clientId), out int written) == WireStatus.Ok)
        {
            _transport.TrySend(_chosen.DonorEndpoint, new ReadOnlySpan<byte>(_sendBuffer, 0, written));
            events |= ClientEvents.ResultSent;
        }
        // The root goes only when the bytes are bad: a capsule whose id or version the offer misstated may be
        // genuine, and excluding its root would let a replayed offer shut out the honest donor (§6.7).
        bool bytesAreBad = _verdict.Reason != ResultReason.ImageIdMismatch && _verdict.Reason != ResultReason.AnnouncedVersionMismatch;
        _excluded.ExcludeRejected(_chosen.DonorId, _chosen.DonorEndpoint.Address, _chosen.Offer.Binding.ManifestRoot,
            bytesAreBad, now + _timings.ExcludeRejectedMs);
        ForgetImage();
        _reason = RequestReason.RetryAfterRejection;
        EnterDiscovering(now);
    }

    // ---- timers -------------------------------------------------------------------------------

    private void RunTimers(ulong now, ref ClientEvents events)
    {
        switch (_state)
        {
            case ClientState.Discovering:
                if (_offerWindowOpen && now >= _offerWindowClosesAt)
                {
                    ChooseNextOrRediscover(now, ref events);
                    break;
                }
                // Once an acceptable offer opened the window, the donors that heard the REQUEST have answered.
                if (!_offerWindowOpen && _requestTimer.IsDue(now))
                {
                    SendRequest(now, ref events);
                }
                break;
            case ClientState.Accepting:
                if (_acceptTimer.IsDue(now))
                {
                    if (_acceptTimer.Attempts >= _timings.AcceptAttempts)
                    {
                        events |= ClientEvents.AcceptTimedOut;
                        _offers.Remove(_chosen.ArrivalSequence);
                        ChooseNextOrRediscover(now, ref events);
                        break;
                    }
                    SendAccept(now);
                }
                break;
            case ClientState.Receiving:
                RunStatusAnswer(now, ref events);
                if (now - _lastProgressAt >= _timings.SessionLostMs)
                {
                    // §6.5: liveness is progress. A donor that only keeps talking (STATUS_REQUESTs, forged
                    // or useless DATA) is left, and not taken again for T_stall; held fragments stay.
                    SessionsStalled++;
                    _claimsDisproved = true;
                    events |= ClientEvents.SessionLost;
                    _excluded.ExcludeStalled(_chosen.DonorId, _chosen.DonorEndpoint.Address, now + _timings.ExcludeStalledMs);
                    EnterDiscovering(now);
                    break;
                }
                if (_quietTimerStale)
                {
                    _quietTimer.StartDelayed(_lastSessionTrafficAt, _timings.QuietInitialMs, _timings.QuietMaxMs, _timings.JitterPercent, _random);
                    _quietTimerStale = false;
                }
                if (_quietTimer.IsDue(now))
                {
                    // §6.5: round 0 = unsolicited, for a donor that lost track of us or whose request was lost.
                    SendStatus(0, ProtocolLimits.MaxNackRanges, now, ref events);
                    _quietTimer.OnSent(now, _random);
                }
                break;
            case ClientState.Verified:
                RunStatusAnswer(now, ref events);
                break;
            case ClientState.Reporting:
                RunStatusAnswer(now, ref events);
                if (_resultTimer.IsDue(now))
                {
                    if (_resultTimer.Attempts >= _timings.ResultAttempts)
                    {
                        _state = ClientState.Finished;
                        events |= ClientEvents.Finished;
                        break;
                    }
                    SendResult(now, ref events);
                }
                break;
            default:
                break;
        }
    }

    private void RunStatusAnswer(ulong now, ref ClientEvents events)
    {
        _statusBudgetMs = Math.Min(StatusBudgetCapMs, _statusBudgetMs + (now - _statusBudgetAt));
        _statusBudgetAt = now;
        if (!_statusPending || now < _statusDueAt)
        {
            return;
        }
        // §6.5: after progress the answer always goes; without progress (nothing new since the last STATUS)
        // it draws on the budget, so forged STATUS_REQUESTs cannot turn every member into a reflector.
        bool progressed = FragmentsHeld != _heldAtLastStatus;
        if (!progressed && _statusBudgetMs < StatusBudgetCostMs)
        {
            return;
        }
        if (!progressed)
        {
            _statusBudgetMs -= StatusBudgetCostMs;
        }
        _statusPending = false;
        SendStatus(_statusPendingRound, _statusPendingMaxRanges, now, ref events);
    }

    private void EnterDiscovering(ulong now)
    {
        _state = ClientState.Discovering;
        _offers.Clear();
        _offerWindowOpen = false;
        _offerSequence = 0;
        _managersOffered = 0;
        _signatureChecks = 0;
        _statusPending = false;
        _completeSent = false;
        _discoveryMessageId = NextMessageId();
        _discoveryStartedAt = now;
        _requestTimer.Start(now, _timings.RequestInitialMs, _timings.RequestMaxMs, _timings.JitterPercent);
    }

    /// <summary>Takes the best remaining offer (§6.4), or starts a new discovery when none is left.</summary>
    private void ChooseNextOrRediscover(ulong now, ref ClientEvents events)
    {
        OfferRecord best;
        while (true)
        {
            if (!_offers.TrySelectBest(_policy, Context, out best, out int slot))
            {
                EnterDiscovering(now);
                return;
            }
            if (!best.SignaturePending)
            {
                break;
            }
            if (_signatureChecks >= MaxSignatureChecksPerDiscovery)
            {
                EnterDiscovering(now);
                return;
            }
            if (VerifyKeptSignature(_offers.DatagramAt(slot)))
            {
                _offers.MarkSignatureChecked(slot);
                best = _offers[slot];
                break;
            }
            // A signature that does not verify: that offer's claims were false (§6.4), and it is gone.
            OffersUnauthenticated++;
            _claimsDisproved = true;
            _offers.Remove(best.ArrivalSequence);
        }
        _chosen = best;
        PrepareImage(best.Offer);
        if (best.Offer.DeliveryMode == DeliveryMode.Multicast)
        {
            _transport.TryJoinMulticastGroup(best.Offer.DeliveryAddress);
        }
        _state = ClientState.Accepting;
        _statusPending = false;
        _lastProgressAt = now;
        _lastSessionTrafficAt = now;
        _quietTimerStale = true;
        _acceptTimer.Start(now, _timings.AcceptRetryMs, _timings.AcceptRetryMaxMs, _timings.JitterPercent);
        _acceptMessageId = NextMessageId();
        events |= ClientEvents.DonorChosen;
        SendAccept(now);
    }

    /// <summary>§6.6: keep held fragments when the same image is offered with the same geometry and manifest root.</summary>
    private void PrepareImage(in OfferMessage offer)
    {
        FragmentGeometry g = offer.Geometry;
        bool sameImage = offer.ImageId == _heldImageId && g.ImageSize == _geometry.ImageSize
            && g.FragmentSize == _geometry.FragmentSize && _bitmap.Count == g.FragmentCount
            && offer.Binding.ManifestRoot.Equals(_heldRoot);
        ManifestShape.TryCreate(g.FragmentCount, offer.Binding.GroupShift, out ManifestShape shape);
        // Parity held is not carried into another session: its donor numbers parity from 0 again, and copies of
        // indices held here would be dropped as duplicates while the blocks that need them wait (§5.5).
        _parity.Clear();
        if (sameImage && shape.GroupShift == _shape.GroupShift)
        {
            return;
        }
        _bitmap.Reset(g.FragmentCount);
        _tentative.Reset(g.FragmentCount);
        _groupsVerified.Reset(shape.GroupCount);
        _heldImageId = offer.ImageId;
        _heldRoot = offer.Binding.ManifestRoot;
        _geometry = g;
        _shape = shape;
        CorruptedFragments = 0;
        DuplicateFragments = 0;
        ForgedFragments = 0;
        _parity.Reset(g.FragmentSize);
        _parityDistrusted = false;
    }

    private void ForgetImage()
    {
        _bitmap.Reset(0);
        _tentative.Reset(0);
        _groupsVerified.Reset(0);
        _heldImageId = 0;
        _heldRoot = default;
        _parity.Clear();
    }

    // ---- send path ----------------------------------------------------------------------------

    private void SendRequest(ulong now, ref ClientEvents events)
    {
        if (_readinessPending)
        {
            SendReadiness(ref events);
        }
        RequestMessage request = new RequestMessage(
            _config.ImageType, _config.CurrentVersion, _config.LowestAcceptableVersion, _config.MacAddress,
            _config.MaxDatagram, _config.Ipv4Address, HeldImageId, _reason, _config.DeliveryModes);
        // §3.3: every retransmission of one discovery repeats its message id.
        if (request.TryEmit(_sendBuffer, new MessageIds(_discoveryMessageId, 0, _clientId), out int written) == WireStatus.Ok)
        {
            ReadOnlySpan<byte> datagram = new ReadOnlySpan<byte>(_sendBuffer, 0, written);
            for (int i = 0; i < _config.ManagerCount; i++)
            {
                _transport.TrySend(_config.GetManager(i), datagram);
            }
            if (_config.DiscoverByBroadcast && !_config.BroadcastEndpoint.IsUnspecified)
            {
                _transport.TrySend(_config.BroadcastEndpoint, datagram);
            }
            RequestsSent++;
            events |= ClientEvents.RequestSent;
        }
        _requestTimer.OnSent(now, _random);
        if (_requestTimer.Attempts == _timings.RequestAttemptsBeforeWarning)
        {
            events |= ClientEvents.NoDonorYet;
        }
    }

    /// <summary>READINESS to the instruction's managers (§4.12), before the REQUEST it goes with.</summary>
    private void SendReadiness(ref ClientEvents events)
    {
        var readiness = new ReadinessMessage(
            _config.InstructionId, _config.MacAddress, _config.SystemUuid, _config.ImageType, _config.CurrentVersion, _config.Ipv4Address);
        if (readiness.TryEmit(_sendBuffer, new MessageIds(_readinessMessageId, 0, _clientId), out int written) == WireStatus.Ok)
        {
            ReadOnlySpan<byte> datagram = new ReadOnlySpan<byte>(_sendBuffer, 0, written);
            int count = Math.Min(_config.ManagerCount, _config.ReadinessManagerCount);
            for (int i = 0; i < count; i++)
            {
                _transport.TrySend(_config.GetManager(i), datagram);
            }
            ReadinessSent++;
            events |= ClientEvents.ReadinessSent;
        }
    }

    private void SendAccept(ulong now)
    {
        AcceptMessage accept = new AcceptMessage(
            _chosen.OfferMessageId, _chosen.Offer.ImageId, FragmentsHeld, _chosen.Offer.Binding.MemberToken);
        // §3.3: retransmissions repeat the ACCEPT's message id.
        if (accept.TryEmit(_sendBuffer, new MessageIds(_acceptMessageId, _chosen.SessionId, _clientId), out int written) == WireStatus.Ok)
        {
            _transport.TrySend(_chosen.DonorEndpoint, new ReadOnlySpan<byte>(_sendBuffer, 0, written));
        }
        _acceptTimer.OnSent(now, _random);
    }

    /// <summary>
    /// COMPLETE, or the missing fragments from the lowest index up (§4.6), built at send time: one answer is a series
    /// of STATUS datagrams, each continuing where the previous one ended, until every missing fragment is listed
    /// (at most as many as bitmap windows cover the client's capacity). Each lists ranges, a bitmap window (when ranges cannot
    /// list everything and the window reaches further) or, with FEC, block counts.
    /// </summary>
    private void SendStatus(uint round, ushort donorMaxRanges, ulong now, ref ClientEvents events)
    {
        var report = new StatusReport(round, FragmentsHeld, CorruptedFragments, ForgedFragments, _chosen.Offer.Binding.MemberToken);
        bool complete = _bitmap.IsComplete && _tentative.HeldCount == 0;
        uint from = 0;
        for (int part = 0; part < _statusPartsCap; part++)
        {
            MessageIds ids = new MessageIds(NextMessageId(), _chosen.SessionId, _clientId);
            WireStatus status;
            int written;
            uint next = _bitmap.Count;
            if (complete)
            {
                status = StatusMessage.TryEmitComplete(_sendBuffer, ids, report, out written);
                _completeSent = true;
                _completeSentAt = now;
            }
            else if (FecActive)
            {
                status = EmitBlockCounts(ids, report, from, out written, out next);
            }
            else
            {
                status = EmitNacks(ids, report, donorMaxRanges, from, out written, out next);
            }
            if (status != WireStatus.Ok)
            {
                break;
            }
            _transport.TrySend(_chosen.DonorEndpoint, new ReadOnlySpan<byte>(_sendBuffer, 0, written));
            StatusDatagramsSent++;
            if (part == 0)
            {
                StatusesSent++;
            }
            _heldAtLastStatus = FragmentsHeld;
            events |= ClientEvents.StatusSent;
            if (next >= _bitmap.Count)
            {
                break;
            }
            from = next;
        }
    }

    /// <summary>
    /// NACK ranges or a NACK bitmap for the missing fragments from <paramref name="from"/> on; <paramref name="next"/>
    /// is where the next part of the answer starts (<see cref="FragmentBitmap.Count"/> when nothing is left: MORE clear).
    /// </summary>
    private WireStatus EmitNacks(in MessageIds ids, in StatusReport report, ushort donorMaxRanges, uint from, out int written, out uint next)
    {
        int room = _sendBuffer.Length - MessageHeader.Length - StatusMessage.FixedLength;
        int max = Math.Min(Math.Min((int)donorMaxRanges, ProtocolLimits.MaxNackRanges), room / NackRange.WireLength);
        Span<NackRange> ranges = new Span<NackRange>(_ranges, 0, max);
        int count = _bitmap.CollectMissingRanges(from, ranges, out bool more);
        ulong rangesEnd = count > 0 ? ranges[count - 1].End : 0;
        uint windowStart = count > 0 ? ranges[0].First : 0;
        int bitmapBytes = BitmapBytesFor(windowStart, room);
        ulong windowEnd = (ulong)windowStart + (ulong)bitmapBytes * 8;
        if (more && _config.UseBitmapStatus && windowEnd > rangesEnd)
        {
            // Scattered loss: one bitmap byte lists up to 8 fragments where one range entry takes 8 bytes.
            Span<byte> bits = new Span<byte>(_nackBitmap, 0, bitmapBytes);
            _bitmap.WriteMissingBitmap(windowStart, bits);
            next = windowEnd < _bitmap.Count ? _bitmap.NextMissing((uint)windowEnd) : _bitmap.Count;
            return StatusMessage.TryEmitBitmap(_sendBuffer, ids, report, next < _bitmap.Count, windowStart, bits, out written);
        }
        next = more ? _bitmap.NextMissing((uint)rangesEnd) : _bitmap.Count;
        return StatusMessage.TryEmitRanges(_sendBuffer, ids, report, more, ranges.Slice(0, count), out written);
    }

    /// <summary>
    /// §5.5 BLOCK COUNTS: for each block from the first at or after <paramref name="from"/>'s that needs anything, the
    /// parity fragments it still needs (missing − parity held) and 0x80 when a group's MANIFEST is missing; as many
    /// blocks as fit, MORE past them (<paramref name="next"/>: the first fragment of the first block not listed).
    /// </summary>
    private WireStatus EmitBlockCounts(in MessageIds ids, in StatusReport report, uint from, out int written, out uint next)
    {
        int room = _sendBuffer.Length - MessageHeader.Length - StatusMessage.FixedLength - StatusMessage.BitmapPrefixLength;
        int window = Math.Min(room, ProtocolLimits.MaxNackBitmapBytes);
        uint firstMissing = _bitmap.NextMissing(from);
        uint firstBlock = firstMissing / ProtocolConstants.FecBlockLength;
        uint blocks = BlockCount;
        int count = (int)Math.Min((uint)window, blocks - firstBlock);
        int last = 0;
        for (int j = 0; j < count; j++)
        {
            _blockNeeds[j] = BlockNeed(firstBlock + (uint)j);
            if (_blockNeeds[j] != 0)
            {
                last = j;
            }
        }
        uint after = firstBlock + (uint)count;
        bool more = false;
        for (uint b = after; b < blocks && !more; b++)
        {
            more = MissingIn(b) != 0;
        }
        next = more ? after * ProtocolConstants.FecBlockLength : _bitmap.Count;
        return StatusMessage.TryEmitBlockCounts(
            _sendBuffer, ids, report, more, firstBlock, new ReadOnlySpan<byte>(_blockNeeds, 0, last + 1), out written);
    }

    private byte BlockNeed(uint block)
    {
        int missing = MissingIn(block);
        if (missing == 0)
        {
            return 0;
        }
        int need = Math.Max(0, missing - _parity.CountOf(block));
        return (byte)(need | (BlockLeavesKnown(block) ? 0 : StatusMessage.BlockNeedsManifest));
    }

    /// <summary>Bitmap bytes for a window from <paramref name="windowStart"/>: no more than the image needs,
    /// the protocol allows, or the datagram holds.</summary>
    private int BitmapBytesFor(uint windowStart, int room)
    {
        uint remaining = _bitmap.Count - windowStart;
        int needed = (int)((remaining + 7) / 8);
        int fits = room - StatusMessage.BitmapPrefixLength;
        return Math.Max(1, Math.Min(Math.Min(needed, ProtocolLimits.MaxNackBitmapBytes), fits));
    }

    private void SendResult(ulong now, ref ClientEvents events)
    {
        // §3.3: retransmissions repeat the RESULT's message id, so RESULT_ACK can name it.
        if (_result.TryEmit(_sendBuffer, new MessageIds(_resultMessageId, _chosen.SessionId, _clientId), out int written) == WireStatus.Ok)
        {
            _transport.TrySend(_chosen.DonorEndpoint, new ReadOnlySpan<byte>(_sendBuffer, 0, written));
            events |= ClientEvents.ResultSent;
        }
        _resultTimer.OnSent(now, _random);
    }

    private uint NextMessageId()
    {
        _lastMessageId++;
        return _lastMessageId;
    }
}
