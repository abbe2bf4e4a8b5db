using System;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Results;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>The donor's answers to each client message (docs/protocol.md §4, §6). Engine thread only.</summary>
public sealed partial class RecoveryServer
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
        int fragmentSize = Math.Min(_options.FragmentSize, request.MaxDatagram - ProtocolConstants.FragmentOverhead);
        if (image.Bytes.LongLength > uint.MaxValue) { Reject("REQUEST:image-too-large-for-v1"); return; }
        if (!FragmentGeometry.TryCreate((uint)image.Bytes.Length, (ushort)fragmentSize,
                FragmentGeometry.CountFor((uint)image.Bytes.Length, (ushort)fragmentSize), out FragmentGeometry geometry))
        {
            Reject("REQUEST:no-valid-geometry");
            return;
        }
        ulong owner = mode == DeliveryMode.Unicast ? frame.Header.SenderId : 0;
        ulong imageId = DonorIdentity.ImageIdFor(image.Sha256);
        uint sessionId = FindLiveSession(imageId, geometry, mode, owner)?.SessionId
            ?? (_offers.FindSame(imageId, geometry.FragmentSize, mode, owner, now)
                ?? _offers.Add(NewSessionId(), image, imageId, geometry, mode, owner, now)).SessionId;

        // A client without an address yet sends from 0.0.0.0: answer by broadcast to the client port (§7.2.1).
        IPEndPoint replyTo = sender.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Broadcast, _options.ClientPort) : sender;
        IPEndPoint delivery = mode == DeliveryMode.Unicast ? replyTo : GroupDestination;
        // A rogue donor (--insecure-serve-unverified, tests only) lies: it announces what the machine asked for.
        bool rogue = _options.InsecureServeUnverified;
        var offer = new OfferMessage(frame.Header.MessageId, imageId,
            rogue ? request.ImageType : DonorIdentity.TypeIdFor(image.ImageTypeId),
            rogue ? Math.Max(image.Version, request.LowestAcceptableVersion) : image.Version,
            rogue ? Math.Min(image.LowestSupportedVersion, Math.Max(image.Version, request.LowestAcceptableVersion)) : image.LowestSupportedVersion, geometry, mode, DonorIdentity.AddressToWire(delivery.Address),
            (ushort)delivery.Port, DonorLoad());
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId);
        if (offer.TryEmit(_sendBuffer, ids, out int written) != WireStatus.Ok) { Reject("OFFER:emit-failed"); return; }
        Send(written, replyTo);
        if (LogFrom(sender)) _logger.LogInformation("REQUEST from {Client} ({Id}): offered {Image} v{Version} in session {Session:x8} ({Mode})",
            sender, SessionClient.FormatId(frame.Header.SenderId), image.Name, image.Version, sessionId, mode);
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
    private ImageSession? FindLiveSession(ulong imageId, FragmentGeometry geometry, DeliveryMode mode, ulong owner)
    {
        foreach (var existing in _sessions.Values)
        {
            // Same image id means the same bytes (a SHA-256 prefix), even across a catalog reload.
            if (!existing.IsEnded && existing.ImageId == imageId && existing.Delivery == mode
                && existing.Geometry.FragmentSize == geometry.FragmentSize && existing.OwnerClientId == owner)
                return existing;
        }
        return null;
    }

    // Random and unused, so a restarted donor does not reuse an id clients still remember (§3.3).
    private uint NewSessionId()
    {
        uint id;
        do { id = (uint)Random.Shared.NextInt64(1, uint.MaxValue); } while (_sessions.ContainsKey(id) || _offers.Contains(id));
        return id;
    }

    private IPEndPoint GroupDestination => new(_options.DataDestination, _options.ClientPort);

    private int LiveSessionCount()
    {
        int n = 0;
        foreach (var session in _sessions.Values) if (!session.IsEnded) n++;
        return n;
    }

    private byte DonorLoad()
    {
        int active = 0;
        foreach (var session in _sessions.Values)
            foreach (var client in session.Clients) if (client.IsActive) active++;
        return (byte)Math.Min(255, active);
    }

    private void OnAccept(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = AcceptMessage.TryParse(frame, out AcceptMessage accept);
        if (status != WireStatus.Ok) { Reject("ACCEPT:" + status); return; }
        if (!_sessions.TryGetValue(frame.Header.SessionId, out ImageSession? session) || session.IsEnded)
        {
            var offer = _offers.Take(frame.Header.SessionId, accept.ImageId, frame.Header.SenderId, now);
            if (offer is null)
            {
                // A stale offer (we restarted, or it expired): tell the client, so it asks again at once.
                Reject("ACCEPT:unknown-session");
                SendAbortTo(frame.Header.SessionId, AbortReason.UnknownSession, sender);
                return;
            }
            if (LiveSessionCount() >= MaxSessions)
            {
                Reject("ACCEPT:session-limit");
                SendAbortTo(frame.Header.SessionId, AbortReason.SessionFull, sender);
                return;
            }
            // The first ACCEPT creates the session (§7.2.1).
            session = new ImageSession(offer.SessionId, offer.Image, offer.ImageId, offer.Geometry, offer.Mode,
                offer.Mode == DeliveryMode.Unicast ? null : GroupDestination, offer.Owner, _timings, now);
            _sessions[offer.SessionId] = session;
        }
        else if (session.ImageId != accept.ImageId || (session.OwnerClientId != 0 && session.OwnerClientId != frame.Header.SenderId))
        {
            // Wrong image, or a stranger trying to join someone else's unicast session (each copy of DATA
            // would go to it too, so it must not get in).
            Reject("ACCEPT:image-mismatch");
            SendAbortTo(frame.Header.SessionId, AbortReason.UnknownSession, sender);
            return;
        }
        bool known = session.FindClient(frame.Header.SenderId) is not null;
        if (!known && session.Clients.Count >= MaxClientsPerSession)
        {
            SendAbortTo(session.SessionId, AbortReason.SessionFull, sender);
            return;
        }
        SessionState before = session.State;
        var client = session.Join(frame.Header.SenderId, sender, Math.Min(accept.FragmentsHeld, session.Geometry.FragmentCount), now);
        if (!known && LogFrom(sender))
        {
            _logger.LogInformation("ACCEPT from {Client} ({Id}): joined session {Session:x8} {Image} ({State}{Late}, holds {Held} fragments)",
                sender, client.IdText, session.SessionId, session.Image.Name, session.State,
                before == SessionState.Offered ? "" : ", late join", accept.FragmentsHeld);
        }
    }

    private void OnStatus(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = StatusMessage.TryParse(frame, out StatusMessage message);
        if (status != WireStatus.Ok) { Reject("STATUS:" + status); return; }
        if (!_sessions.TryGetValue(frame.Header.SessionId, out ImageSession? session) || session.IsEnded)
        {
            Reject("STATUS:unknown-session");
            SendAbortTo(frame.Header.SessionId, AbortReason.UnknownSession, sender);
            return;
        }
        SessionClient? client = session.FindClient(frame.Header.SenderId);
        if (client is null)
        {
            // Only members answer; a stranger must ACCEPT first.
            Reject("STATUS:not-a-member");
            return;
        }
        client.EndPoint = sender;
        SessionState before = session.State;
        ClientState clientBefore = client.State;
        session.OnStatus(client, message, now);
        if (client.State == ClientState.Complete && clientBefore != ClientState.Complete && LogFrom(sender))
            _logger.LogInformation("session {Session:x8}: {Client} ({Id}) COMPLETE", session.SessionId, sender, client.IdText);
        if (session.State != before) LogTransition(session, before);
    }

    private void OnResult(in MessageFrame frame, IPEndPoint sender, TimeSpan now)
    {
        WireStatus status = ResultMessage.TryParse(frame, out ResultMessage result);
        if (status != WireStatus.Ok) { Reject("RESULT:" + status); return; }
        uint sessionId = frame.Header.SessionId;
        ulong clientId = frame.Header.SenderId;
        _sessions.TryGetValue(sessionId, out ImageSession? session);
        var key = (sessionId, clientId, result.ImageId);
        if (!_recordedResults.Contains(key) && session?.FindClient(clientId) is null && !MayRecordStrangerResult(sender))
        {
            Reject("RESULT:rate-limited");
            return; // neither recorded nor acknowledged: a real machine repeats its RESULT
        }
        if (!_recordedResults.Contains(key))
        {
            // Recorded even when the session is unknown (we restarted since): every outcome counts.
            string imageName = session?.Image.Name ?? FindImageName(result.ImageId);
            SessionClient? client = session?.FindClient(clientId);
            string outcome = result.Outcome == ResultOutcome.Success ? "success" : "failure";
            string detail = string.Create(CultureInfo.InvariantCulture, $"{result.Reason}; firmware version now {result.FirmwareVersion}");
            // A RESULT comes only after the machine held every fragment (§6.7: it verifies the complete image
            // first), so for its session's image that is what it held, whatever its last STATUS said (a clean
            // transfer can end before any status round).
            long held = session is not null && client is not null && result.ImageId == session.ImageId
                ? session.Geometry.FragmentCount : client?.FragmentsHeld ?? 0;
            _results.Append(new ResultRecord(DateTimeOffset.UtcNow, sender.ToString(), SessionClient.FormatId(clientId), sessionId,
                imageName, outcome, (uint)result.Reason, detail, held, session?.RepairRounds ?? 0));
            _recordedResults.Add(key);
            _resultsRecorded++;
            if (session is not null && client is not null) session.MarkReported(client, outcome + " (" + result.Reason + ")", now);
            if (LogFrom(sender)) _logger.LogInformation("RESULT from {Client} ({Id}) session {Session:x8} {Image}: {Outcome} {Detail}",
                sender, SessionClient.FormatId(clientId), sessionId, imageName, outcome, detail);
        }
        // Acknowledge every copy: the client repeats RESULT until it sees this (§4.8).
        var ack = new ResultAckMessage(frame.Header.MessageId);
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId);
        if (ack.TryEmit(_sendBuffer, ids, out int written) == WireStatus.Ok) Send(written, sender);
    }

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
        if (!_sessions.TryGetValue(frame.Header.SessionId, out ImageSession? session)) return;
        SessionClient? client = session.FindClient(frame.Header.SenderId);
        if (client is null || !client.IsActive) return;
        session.MarkLeft(client, now);
        _results.Append(new ResultRecord(DateTimeOffset.UtcNow, sender.ToString(), client.IdText, session.SessionId, session.Image.Name,
            "left", (uint)abort.Reason, "client sent ABORT: " + abort.Reason, client.FragmentsHeld, session.RepairRounds));
        _resultsRecorded++;
        if (LogFrom(sender)) _logger.LogInformation("ABORT from {Client} ({Id}) session {Session:x8}: {Reason}", sender, client.IdText, session.SessionId, abort.Reason);
    }

    private void RecordTimeout(ImageSession session, SessionClient client, TimeSpan now)
    {
        client.ResultText = "timed out";
        _results.Append(new ResultRecord(DateTimeOffset.UtcNow, client.EndPoint.ToString(), client.IdText, session.SessionId, session.Image.Name,
            "timeout", (uint)ResultReason.Timeout, "no answer for " + (client.CompletedAt > TimeSpan.Zero && client.MissingFragments == 0 ? "RESULT" : "status requests"),
            client.FragmentsHeld, session.RepairRounds));
        _resultsRecorded++;
        _logger.LogWarning("session {Session:x8}: {Client} ({Id}) timed out", session.SessionId, client.EndPoint, client.IdText);
    }

    private void SendAbortTo(uint sessionId, AbortReason reason, IPEndPoint destination)
    {
        if (sessionId == 0) return;
        var ids = new MessageIds(_nextMessageId++, sessionId, _donorId);
        if (new AbortMessage(reason).TryEmit(_sendBuffer, ids, out int written) == WireStatus.Ok) Send(written, destination);
    }

    private void LogCatalog(ImageCatalog.Snapshot snapshot)
    {
        foreach (var image in snapshot.Images)
            _logger.LogInformation("catalog: offering {Image} type {Type} v{Version} (lowest supported {Lowest}), {Size} bytes, sha256 {Digest}",
                image.Name, image.ImageTypeId, image.Version, image.LowestSupportedVersion, image.Bytes.Length, image.DigestHex);
        foreach (var bad in snapshot.Rejected)
            _logger.LogWarning("catalog: NOT offering {Image}: {Reason}", bad.Name, bad.Reason);
    }
}
