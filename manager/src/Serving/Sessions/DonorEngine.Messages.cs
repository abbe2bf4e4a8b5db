using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Results;

using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The donor's answers to each client message (docs/protocol.md §4, §7.2). Every message after REQUEST must
/// carry the member token §7.4 derives for its session, sender id and source address; one that does not is
/// dropped without an answer and counted. Engine thread only.
/// </summary>
public sealed partial class DonorEngine
{
    private void HandleDatagram(ReadOnlySpan<byte> datagram, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = MessageFrame.TryParse(datagram, out MessageFrame frame);
        if (status != WireStatus.Ok)
        {
            Reject(status.ToString());
            return;
        }
        switch (frame.Type)
        {
            case MessageType.Request: OnRequest(frame, sender, now); break;
            case MessageType.Accept: OnAccept(frame, sender, now); break;
            case MessageType.Status: OnStatus(frame, sender, now); break;
            case MessageType.Result: OnResult(frame, sender, now); break;
            case MessageType.Abort: OnAbort(frame, sender, now); break;
            case MessageType.AgentReport: OnAgentReport(frame, sender, now); break;
            case MessageType.Readiness: OnReadiness(frame, sender, now); break;
            default: Reject("not-for-donor:" + frame.Type); break; // OFFER/DATA/... from other donors
        }
    }

    private void OnRequest(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = RequestMessage.TryParse(frame, out RequestMessage request);
        if (status != WireStatus.Ok) { Reject("REQUEST:" + status); return; }

        CatalogImage? image = ChooseImage(request);
        if (image is null)
        {
            if (LogFrom(sender)) _logger.LogInformation("REQUEST from {Client} ({Id}): no compatible image", sender, SessionClient.FormatId(frame.Header.SenderId));
            return; // silence: another donor may have one (§4.2)
        }
        DeliveryMode mode = ChooseDelivery(request.DeliveryModes);
        if (mode == 0) { Reject("REQUEST:no-common-delivery-mode"); return; }
        // One of a few fixed sizes (§5.2), the largest that fits the client: each size costs a manifest per image.
        ushort fragmentSize = FragmentSizes.ForClient(_fragmentSizes, request.MaxDatagram);
        if (image.Bytes.LongLength > uint.MaxValue) { Reject("REQUEST:image-too-large-for-v1"); return; }
        if (!FragmentGeometry.TryCreate((uint)image.Bytes.Length, fragmentSize,
                FragmentGeometry.CountFor((uint)image.Bytes.Length, fragmentSize), out FragmentGeometry geometry))
        {
            Reject("REQUEST:no-valid-geometry");
            return;
        }
        ulong senderId = frame.Header.SenderId;
        // A unicast session belongs to one machine at one address (§7.2 rule 11).
        UnicastOwner? owner = mode == DeliveryMode.Unicast ? new UnicastOwner(senderId, sender.Address) : null;
        ulong imageId = DonorIdentity.ImageIdFor(image.Sha256);
        ImageSession? live = FindLiveSession(imageId, geometry, mode, owner, senderId, sender.Address);
        OfferTable.PendingOffer? pending = live is null ? _offers.FindSame(imageId, geometry.FragmentSize, mode, owner, now) : null;
        if (live is null && pending is null && owner is { } o && LiveUnicastAt(o.Address) >= MaxUnicastPerAddress)
        {
            // Four machines at this address already proved their tokens and run unicast sessions: silence, counted.
            // Pending offers do not count (§7.2 rule 11): anyone can make them with a forged source address.
            Reject("REQUEST:unicast-per-address-limit");
            return;
        }
        OfferedManifest? manifest = live?.Manifest ?? pending?.Manifest ?? _manifests.GetOrBuild(image, imageId, geometry, now);
        if (manifest is null)
        {
            // A fragment size nobody asked for yet, while the hashing budget is spent: the machine asks again.
            Reject("REQUEST:manifest-budget");
            return;
        }
        bool sign = _signer is not null && request.MaxDatagram >= OfferSignature.SignedDatagramLength;
        if (sign && !_signatureBudget.TrySpend(1, now)) { Reject("REQUEST:signature-budget"); return; }
        uint sessionId = live?.SessionId ?? pending?.SessionId ?? OfferNewSession(image, imageId, geometry, manifest, mode, owner, now);

        IPEndPoint replyTo = ReplyTo(sender);
        IPEndPoint delivery = mode == DeliveryMode.Unicast ? replyTo : GroupDestination;
        // The membership this OFFER opens: its token, and the commitment to the key that can end it (§7.4).
        ulong token = _keys.MemberToken(sessionId, senderId, sender.Address);
        var binding = new OfferBinding(token, manifest.Root, manifest.GroupShift, MembershipKeys.CommitmentFor(_keys.AbortKey(token)));
        // A rogue donor (--insecure-serve-unverified, tests only) lies: it announces what the machine asked for.
        bool rogue = _options.InsecureServeUnverified;
        var offer = new OfferMessage(frame.Header.MessageId, imageId,
            rogue ? request.ImageType : DonorIdentity.TypeIdFor(image.ImageTypeId),
            rogue ? Math.Max(image.Version, request.LowestAcceptableVersion) : image.Version,
            rogue ? Math.Min(image.LowestSupportedVersion, Math.Max(image.Version, request.LowestAcceptableVersion)) : image.LowestSupportedVersion, geometry, mode, DonorIdentity.AddressToWire(delivery.Address),
            (ushort)delivery.Port, DonorLoad(), binding);
        // §5.5: the FEC flag in the OFFER's header (covered by its signature) tells the machine to report BLOCK COUNTS.
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId, _options.Fec ? ProtocolConstants.FlagFec : (ushort)0);
        int written;
        status = sign ? _signer!.TryEmit(offer, _sendBuffer, ids, senderId, DonorIdentity.AddressToWire(sender.Address), out written) : offer.TryEmit(_sendBuffer, ids, out written);
        if (status != WireStatus.Ok) { Reject("OFFER:emit-failed"); return; }
        Send(written, replyTo);
        // Only a REQUEST this manager could answer starts an instructed machine's recovery.
        _instructions.OnRecoveryMessage(senderId, now);
        if (LogFrom(sender)) _logger.LogInformation("REQUEST from {Client} ({Id}): offered {Image} version {Version} in session {Session:x8} ({Mode}{Signed})",
            sender, SessionClient.FormatId(senderId), image.Name, CliFormat.Version(image.Version), sessionId, mode, sign ? ", signed" : "");
    }

    /// <summary>
    /// Highest compatible version for the client's image type that meets its floor; a client resuming
    /// fragments of a still-compatible image gets that same image back (§6.6).
    /// </summary>
    private CatalogImage? ChooseImage(in RequestMessage request)
    {
        CatalogImage? best = null;
        foreach (var image in _catalog.Current.Images)
        {
            if (_options.InsecureServeUnverified) return image; // rogue donor (tests only): offers anything it has
            if (!DonorIdentity.TypeIdFor(image.ImageTypeId).Matches(request.ImageType)) continue;
            if (image.Version < request.LowestAcceptableVersion) continue;
            if (image.Bytes.LongLength > uint.MaxValue) continue;
            if (request.HeldImageId != 0 && DonorIdentity.ImageIdFor(image.Sha256) == request.HeldImageId) return image;
            if (best is null || image.Version > best.Version) best = image;
        }
        return best;
    }

    private DeliveryMode ChooseDelivery(DeliveryModes clientModes)
    {
        DeliveryModes wanted = _options.Delivery switch
        {
            DeliveryMode.Broadcast => DeliveryModes.Broadcast,
            DeliveryMode.Multicast => DeliveryModes.Multicast,
            _ => DeliveryModes.Unicast,
        };
        if ((clientModes & wanted) != 0) return _options.Delivery;
        // The client cannot receive our configured mode: one copy to it alone still works.
        return (clientModes & DeliveryModes.Unicast) != 0 ? DeliveryMode.Unicast : 0;
    }

    /// <summary>The running session for this image and geometry: everyone who accepts shares it, late joiners included (§7.2.1).</summary>
    private ImageSession? FindLiveSession(ulong imageId, FragmentGeometry geometry, DeliveryMode mode, UnicastOwner? owner, ulong senderId, IPAddress address)
    {
        foreach (var existing in _sessions.Values)
        {
            // Same image id means the same bytes (a SHA-256 prefix), even across a catalog reload.
            // A full session is not offered to a new machine: its ACCEPT would be refused, and it would ask again and be
            // offered it again until the session ended. A new session runs beside it (the rate is shared fairly). A
            // member asking again (it rediscovered) is offered its own session.
            if (!existing.IsEnded && existing.ImageId == imageId && existing.Delivery == mode
                && existing.Geometry.FragmentSize == geometry.FragmentSize && existing.Owner == owner
                && (existing.Clients.Count < _options.Limits.MembersPerSession
                    || existing.FindClient(_keys.MemberToken(existing.SessionId, senderId, address)) is not null))
                return existing;
        }
        return null;
    }

    /// <summary>Live unicast sessions of machines at <paramref name="address"/> (§7.2 rule 11).</summary>
    private int LiveUnicastAt(IPAddress address)
    {
        int n = 0;
        foreach (var session in _sessions.Values)
            if (!session.IsEnded && session.Owner is { } owner && owner.Address.Equals(address)) n++;
        return n;
    }

    private uint OfferNewSession(CatalogImage image, ulong imageId, FragmentGeometry geometry, OfferedManifest manifest,
        DeliveryMode mode, UnicastOwner? owner, TimeSpan now)
    {
        uint sessionId = _offers.Add(NewSessionId(), image, imageId, geometry, manifest, mode, owner, now).SessionId;
        _strangerResults.Offered(sessionId);
        return sessionId;
    }

    // Random and unused, so a restarted donor does not reuse an id clients still remember (§3.3).
    private uint NewSessionId()
    {
        uint id;
        do { id = (uint)_random.NextInt64(1, uint.MaxValue); } while (_sessions.ContainsKey(id) || _offers.Contains(id));
        return id;
    }

    private IPEndPoint GroupDestination => new(_options.DataDestination, _options.ClientPort);

    private int LiveSessionCount()
    {
        int n = 0;
        foreach (var session in _sessions.Values) if (!session.IsEnded) n++;
        return n;
    }

    // Members of live sessions, whatever their state (each holds its SessionClient until the session ends), at the
    // bound: the caller refuses the join, counted.
    private bool AtLiveMemberLimit()
    {
        int n = 0;
        foreach (var session in _sessions.Values) if (!session.IsEnded) n += session.Clients.Count;
        if (n < _options.Limits.LiveMembers) return false;
        Reject("member-limit");
        return true;
    }

    private byte DonorLoad()
    {
        int active = 0;
        foreach (var session in _sessions.Values)
            foreach (var client in session.Clients) if (client.IsActive) active++;
        return (byte)Math.Min(255, active);
    }

    /// <summary>§7.4: the token is the one this donor derives for (session, sender id, source address).</summary>
    private bool TokenProven(in MessageFrame frame, IPEndPoint sender, ulong token) =>
        _keys.Confirms(frame.Header.SessionId, frame.Header.SenderId, sender.Address, token);

    private void OnAccept(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = AcceptMessage.TryParse(frame, out AcceptMessage accept);
        if (status != WireStatus.Ok) { Reject("ACCEPT:" + status); return; }
        // §7.2 rule 2: only the machine the OFFER reached at this address can join; anyone else hears nothing.
        if (!TokenProven(frame, sender, accept.MemberToken)) { NoteBadToken("ACCEPT", sender, frame.Header.SenderId, now); return; }
        ulong senderId = frame.Header.SenderId;
        _instructions.OnRecoveryMessage(senderId, now);
        if (!_sessions.TryGetValue(frame.Header.SessionId, out ImageSession? session) || session.IsEnded)
        {
            // Checked before the offer is taken: a refused ACCEPT must not leave an empty session behind for others
            // to join by STATUS past the bound (red team, session 10).
            if (AtLiveMemberLimit())
            {
                SendKeylessAbort(frame.Header.SessionId, AbortReason.SessionFull, sender);
                return;
            }
            var offer = _offers.Take(frame.Header.SessionId, accept.ImageId, senderId, sender.Address, now);
            if (offer is null)
            {
                // A stale offer (we restarted, or it expired): tell the client, so it asks again at once.
                Reject("ACCEPT:unknown-session");
                SendKeylessAbort(frame.Header.SessionId, AbortReason.UnknownSession, sender);
                return;
            }
            if (LiveSessionCount() >= MaxSessions)
            {
                Reject("ACCEPT:session-limit");
                SendKeylessAbort(frame.Header.SessionId, AbortReason.SessionFull, sender);
                return;
            }
            if (offer.Owner is not null && LiveUnicastAt(sender.Address) >= MaxUnicastPerAddress)
            {
                // Offered while this address had room; four others at it went live since (§7.2 rule 11).
                Reject("ACCEPT:unicast-per-address-limit");
                SendKeylessAbort(frame.Header.SessionId, AbortReason.SessionFull, sender);
                return;
            }
            // The first ACCEPT creates the session (§7.2.1).
            session = new ImageSession(offer.SessionId, offer.Image, offer.ImageId, offer.Geometry, offer.Manifest, offer.Mode,
                offer.Mode == DeliveryMode.Unicast ? null : GroupDestination, offer.Owner, _timings, now)
            {
                ProactiveShare = _options.Fec ? _options.FecProactive : 0,
            };
            _sessions[offer.SessionId] = session;
            _strangerResults.Started(offer.SessionId);
            _sessionsStarted++;
        }
        else if (session.ImageId != accept.ImageId)
        {
            Reject("ACCEPT:image-mismatch");
            SendKeylessAbort(frame.Header.SessionId, AbortReason.UnknownSession, sender);
            return;
        }
        else if (session.Owner is { } owner && (owner.ClientId != senderId || !owner.Address.Equals(sender.Address)))
        {
            // Someone else's unicast session: its OFFER went to its owner only, so this cannot be a real machine.
            Reject("ACCEPT:not-the-owner");
            return;
        }
        bool known = session.FindClient(accept.MemberToken) is not null;
        if (!known && session.Clients.Count >= _options.Limits.MembersPerSession)
        {
            SendKeylessAbort(session.SessionId, AbortReason.SessionFull, sender);
            return;
        }
        if (!known && AtLiveMemberLimit())
        {
            SendKeylessAbort(session.SessionId, AbortReason.SessionFull, sender);
            return;
        }
        SessionState before = session.State;
        var client = session.Join(accept.MemberToken, senderId, sender, Math.Min(accept.FragmentsHeld, session.Geometry.FragmentCount), now);
        _macBook.Note(senderId, sender.Address);
        if (!known && LogFrom(sender))
        {
            _logger.LogInformation("ACCEPT from {Client} ({Id}, member {Member}): joined session {Session:x8} {Image} ({State}{Late}, holds {Held} fragments)",
                sender, client.IdText, client.MemberTag, session.SessionId, session.Image.Name, session.State,
                before == SessionState.Offered ? "" : ", late join", accept.FragmentsHeld);
            WarnIfSameMacElsewhere(client);
        }
    }

    // One MAC at two addresses is two members (§7.4): a machine that moved, a misconfiguration, or someone
    // claiming that MAC from its own address. Show it; the result log tells the records apart by address.
    private void WarnIfSameMacElsewhere(SessionClient joined)
    {
        // While the book has forgotten no MAC it knows every live member's: only a MAC it saw elsewhere is worth a walk
        // over every member (which, per join, made 10,000 joins cost 10^8 steps). Once it forgot one, a MAC seen again
        // may be a live member's at another address (red team, session 10): the walk, as before.
        if (_macBook.Forgotten == 0 && !_macBook.SeenElsewhere(joined.ClientId, joined.Address)) return;
        foreach (var session in _sessions.Values)
        {
            if (session.IsEnded) continue;
            foreach (var other in session.Clients)
            {
                if (other == joined || other.ClientId != joined.ClientId || other.Address.Equals(joined.Address) || !other.IsActive) continue;
                _logger.LogWarning("two members with MAC {Id}: {Address} (member {Member}) and {Other} (member {OtherMember}, session {Session:x8}); each is served and recorded on its own",
                    joined.IdText, joined.Address, joined.MemberTag, other.Address, other.MemberTag, session.SessionId);
                return;
            }
        }
    }

    private void OnStatus(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = StatusMessage.TryParse(frame, out StatusMessage message);
        if (status != WireStatus.Ok) { Reject("STATUS:" + status); return; }
        // §7.2 rule 7: a STATUS counts only from the member itself (token, sender id and address).
        if (!TokenProven(frame, sender, message.MemberToken)) { NoteBadToken("STATUS", sender, frame.Header.SenderId, now); return; }
        if (!_sessions.TryGetValue(frame.Header.SessionId, out ImageSession? session) || session.IsEnded)
        {
            // A membership of a session we forgot (restart): its abort key tells the machine to ask again now.
            Reject("STATUS:unknown-session");
            SendKeyedAbort(frame.Header.SessionId, message.MemberToken, AbortReason.UnknownSession, sender);
            return;
        }
        SessionClient? client = session.FindClient(message.MemberToken);
        if (client is null)
        {
            // The token proves this machine got our OFFER of this session at this address, but its ACCEPTs were
            // lost while the broadcast DATA reached it (§7.2 rule 7): it is a member, joined by its STATUS.
            if (session.Clients.Count >= _options.Limits.MembersPerSession)
            {
                Reject("STATUS:session-full");
                return;
            }
            if (AtLiveMemberLimit()) return;
            client = session.Join(message.MemberToken, frame.Header.SenderId, sender,
                Math.Min(message.FragmentsHeld, session.Geometry.FragmentCount), now);
            _macBook.Note(frame.Header.SenderId, sender.Address);
            if (LogFrom(sender))
                _logger.LogInformation("STATUS from {Client} ({Id}, member {Member}): joined session {Session:x8} by its STATUS (its ACCEPTs were lost)",
                    sender, client.IdText, client.MemberTag, session.SessionId);
        }
        SessionState before = session.State;
        MemberState clientBefore = client.State;
        session.OnStatus(client, message, now);
        if (client.State == MemberState.Complete && clientBefore != MemberState.Complete && LogFrom(sender))
            _logger.LogInformation("session {Session:x8}: {Client} ({Id}) COMPLETE", session.SessionId, sender, client.IdText);
        if (session.State != before) LogTransition(session, before);
    }

    private void OnResult(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = ResultMessage.TryParse(frame, out ResultMessage result);
        if (status != WireStatus.Ok) { Reject("RESULT:" + status); return; }
        // §7.2 rule 8: a RESULT speaks for the member whose token it carries, and only that member can send it.
        // Anything else is never recorded and never acknowledged.
        if (!TokenProven(frame, sender, result.MemberToken)) { NoteBadToken("RESULT", sender, frame.Header.SenderId, now); return; }
        uint sessionId = frame.Header.SessionId;
        ulong clientId = frame.Header.SenderId;
        _sessions.TryGetValue(sessionId, out ImageSession? session);
        SessionClient? client = session?.FindClient(result.MemberToken);
        var key = (sessionId, result.MemberToken);
        if (!_recordedResults.Contains(key))
        {
            // A genuine token from a non-member (we restarted since, its ACCEPT and STATUS were lost, or someone asked
            // in that MAC's name from its own address): recorded only under a rate limit, and never for a session
            // this run offered and never started (nothing was ever sent under that id).
            if (client is null)
            {
                switch (_strangerResults.Judge(sessionId, sender.Address, now))
                {
                    case StrangerVerdict.NeverStarted:
                        Reject("RESULT:session-never-started");
                        if (LogFrom(sender, LogLevel.Warning))
                            _logger.LogWarning("RESULT from {Client} ({Id}) for session {Session:x8}, which was offered but never started: not recorded",
                                sender, SessionClient.FormatId(clientId), sessionId);
                        return;
                    case StrangerVerdict.RateLimited:
                        Reject("RESULT:rate-limited");
                        return;
                }
            }
            RecordResult(result, session, client, sessionId, clientId, sender, now);
            RememberRecorded(key);
            _instructions.OnResult(clientId, result.Outcome, result.Reason, result.FirmwareVersion, now);
            if (result.Outcome == ResultOutcome.Success) _inventory.OnResult(clientId, result.FirmwareVersion, now);
        }
        // Acknowledge every copy: the client repeats RESULT until it sees this (§4.8).
        var ack = new ResultAckMessage(frame.Header.MessageId, result.MemberToken);
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId);
        if (ack.TryEmit(_sendBuffer, ids, out int written) == WireStatus.Ok) Send(written, ReplyTo(sender));
    }

    private void RecordResult(in ResultMessage result, ImageSession? session, SessionClient? client, uint sessionId, ulong clientId,
        IPEndPoint sender, TimeSpan now)
    {
        string imageName = session?.Image.Name ?? FindImageName(result.ImageId);
        string outcome = result.Outcome == ResultOutcome.Success ? "success" : "failure";
        string detail = string.Create(CultureInfo.InvariantCulture, $"{result.Reason}; firmware version now {CliFormat.Version(result.FirmwareVersion)}")
            + (session is null ? "; session unknown to this manager run (it restarted since, or the offer is long forgotten)"
                : client is null ? "; not a member of the session (its ACCEPT and STATUS never arrived)" : "");
        // A member's RESULT comes only after it held every fragment (§6.7: it verifies the complete image
        // first), so for its session's image that is what it held, whatever its last STATUS said (a clean
        // transfer can end before any status round). Of a non-member the manager knows nothing.
        long held = session is not null && client is not null && result.ImageId == session.ImageId
            ? session.Geometry.FragmentCount : client?.FragmentsHeld ?? 0;
        List<string> sameMac = _macBook.OthersThan(clientId, sender.Address);
        _macBook.Note(clientId, sender.Address);
        Record(new ResultRecord(DateTimeOffset.UtcNow, sender.ToString(), SessionClient.FormatId(clientId), sessionId,
            imageName, outcome, (uint)result.Reason, detail, held, session?.RepairRounds ?? 0,
            SessionClient.TagFor(result.MemberToken), Authenticated: true, SessionKnown: session is not null,
            SameMacAt: sameMac.Count > 0 ? sameMac : null));
        if (session is not null && client is not null) session.MarkReported(client, outcome + " (" + result.Reason + ")", now);
        if (sameMac.Count > 0 && LogFrom(sender, LogLevel.Warning))
            _logger.LogWarning("RESULT {Outcome} for MAC {Id} from {Client}, but that MAC also proved a membership at {Others} during this run: two machines, or one asking in the other's name",
                outcome, SessionClient.FormatId(clientId), sender.Address, string.Join(", ", sameMac));
        if (LogFrom(sender)) _logger.LogInformation("RESULT from {Client} ({Id}, member {Member}) session {Session:x8} {Image}: {Outcome} {Detail}",
            sender, SessionClient.FormatId(clientId), SessionClient.TagFor(result.MemberToken), sessionId, imageName, outcome, detail);
    }

    // One record per (session, member token); the set forgets its oldest keys, so it stays bounded.
    private void RememberRecorded((uint Session, ulong Token) key) => _recordedResults.Add(key);

    private string FindImageName(ulong imageId)
    {
        foreach (var image in _catalog.Current.Images)
            if (DonorIdentity.ImageIdFor(image.Sha256) == imageId) return image.Name;
        return "image " + imageId.ToString("x16", CultureInfo.InvariantCulture);
    }

    private void OnAbort(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = AbortMessage.TryParse(frame, out AbortMessage abort);
        if (status != WireStatus.Ok) { Reject("ABORT:" + status); return; }
        // §4.9: a client ABORT whose token is not the member's is dropped.
        if (!TokenProven(frame, sender, abort.MemberToken)) { NoteBadToken("ABORT", sender, frame.Header.SenderId, now); return; }
        if (!_sessions.TryGetValue(frame.Header.SessionId, out ImageSession? session)) return;
        SessionClient? client = session.FindClient(abort.MemberToken);
        if (client is null || !client.IsActive) return;
        session.MarkLeft(client, now);
        _instructions.OnSessionEnded(client.ClientId, "session: the machine sent ABORT (" + abort.Reason + ")", now);
        Record(new ResultRecord(DateTimeOffset.UtcNow, sender.ToString(), client.IdText, session.SessionId, session.Image.Name,
            "left", (uint)abort.Reason, "client sent ABORT: " + abort.Reason, client.FragmentsHeld, session.RepairRounds,
            client.MemberTag, Authenticated: true, SessionKnown: true));
        if (LogFrom(sender)) _logger.LogInformation("ABORT from {Client} ({Id}) session {Session:x8}: {Reason}", sender, client.IdText, session.SessionId, abort.Reason);
    }

    private void RecordTimeout(ImageSession session, SessionClient client, TimeSpan now)
    {
        client.ResultText = client.DropReason is null ? "timed out" : "dropped: " + client.DropReason;
        string detail = client.DropReason
            ?? "no answer for " + (client.CompletedAt > TimeSpan.Zero && client.MissingFragments == 0 ? "RESULT" : "status requests");
        Record(new ResultRecord(DateTimeOffset.UtcNow, client.EndPoint.ToString(), client.IdText, session.SessionId, session.Image.Name,
            "timeout", (uint)ResultReason.Timeout, detail, client.FragmentsHeld, session.RepairRounds, client.MemberTag, Authenticated: false,
            SessionKnown: true));
        _instructions.OnSessionEnded(client.ClientId, "session: " + client.ResultText + " (" + detail + ")", now);
        _logger.LogWarning("session {Session:x8}: {Client} ({Id}) {What}", session.SessionId, client.EndPoint, client.IdText,
            client.DropReason is null ? "timed out" : "dropped: " + client.DropReason);
    }

    /// <summary>
    /// ABORT without a key to a machine that could not be admitted (unknown session, session full): it has
    /// not joined anything a key could end, and a client takes such an ABORT only while it is still accepting (§6.5).
    /// </summary>
    private void SendKeylessAbort(uint sessionId, AbortReason reason, IPEndPoint destination)
    {
        if (sessionId == 0) return;
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId);
        if (new AbortMessage(reason, 0, default).TryEmit(_sendBuffer, ids, out int written) == WireStatus.Ok) Send(written, ReplyTo(destination));
    }

    private void LogCatalog(ImageCatalog.Snapshot snapshot)
    {
        foreach (var image in snapshot.Images)
            _logger.LogInformation("catalog: offering {Image} type {Type} version {Version} lsv {Lowest}, {Size} bytes, capsule sha256 {Digest}",
                image.Name, image.ImageTypeId, CliFormat.Version(image.Version), CliFormat.Version(image.LowestSupportedVersion), image.Bytes.Length, image.DigestHex);
        foreach (var bad in snapshot.Rejected)
            _logger.LogWarning("catalog: NOT offering {Image}: {Reason}", bad.Name, bad.Reason);
    }
}
