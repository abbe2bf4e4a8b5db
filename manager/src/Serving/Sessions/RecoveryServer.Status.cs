using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Status;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>Builds the status snapshot the live view and GET /status show. Engine thread only.</summary>
public sealed partial class RecoveryServer
{
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The rate "now" is measured over at least this long, so a 250 ms snapshot does not jitter it.</summary>
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    // Per session: the data bytes sent at the start of the current rate window, and the rate the last window gave.
    private readonly Dictionary<uint, (TimeSpan At, long Bytes, double MBytesPerSecond)> _rateWindows = new();

    private void PublishStatus(TimeSpan now)
    {
        _nextSnapshotAt = now + SnapshotInterval;
        if (_engine is not { } engine) return;
        var snapshot = _catalog.Current;
        var images = new List<ImageStatus>();
        foreach (var image in snapshot.Images)
            images.Add(new ImageStatus(image.Name, image.ImageTypeId.ToString(), image.Version, image.LowestSupportedVersion, image.Bytes.LongLength, image.DigestHex));
        var rejected = new List<RejectedImageStatus>();
        foreach (var bad in snapshot.Rejected) rejected.Add(new RejectedImageStatus(bad.Name, bad.Reason));

        // One MAC at several addresses is several members (§7.4): list the others beside each.
        var addressesByMac = new Dictionary<ulong, List<string>>();
        foreach (var session in engine.Sessions)
        {
            if (session.IsEnded) continue;
            foreach (var client in session.Clients)
            {
                if (!client.IsActive) continue;
                if (!addressesByMac.TryGetValue(client.ClientId, out var list)) addressesByMac[client.ClientId] = list = new List<string>();
                string address = client.Address.ToString();
                if (!list.Contains(address)) list.Add(address);
            }
        }

        var sessions = new List<SessionStatus>();
        var live = new HashSet<uint>();
        foreach (var session in engine.Sessions)
        {
            live.Add(session.SessionId);
            var clients = new List<ClientStatus>();
            foreach (var client in session.Clients)
            {
                double progress = client.State is MemberState.Complete or MemberState.Reported
                    ? 1.0
                    : session.Geometry.FragmentCount == 0 ? 0 : Math.Min(1.0, client.FragmentsHeld / (double)session.Geometry.FragmentCount);
                // Other live members with this MAC, and other addresses it proved a membership from this run (a RESULT
                // in its name from elsewhere, a member that has ended).
                var sameMac = engine.MacBook.OthersThan(client.ClientId, client.Address);
                if (addressesByMac.TryGetValue(client.ClientId, out var addresses))
                    foreach (string address in addresses) if (address != client.Address.ToString() && !sameMac.Contains(address)) sameMac.Add(address);
                // Held is known only from a status answer (MissingFragments stays -1 until the first one).
                bool heldKnown = client.MissingFragments >= 0 || client.State != MemberState.Receiving;
                (string phase, TimeSpan phaseStart) = PhaseOf(session, client);
                clients.Add(new ClientStatus(client.EndPoint.ToString(), client.IdText, client.State.ToString(), heldKnown ? progress : 0,
                    Math.Max(client.MissingFragments, 0), (now - client.LastHeard).TotalSeconds, client.ResultText, client.MemberTag, sameMac,
                    heldKnown, heldKnown ? Math.Min(client.FragmentsHeld, session.Geometry.FragmentCount) : 0, phase,
                    phaseStart == TimeSpan.MinValue ? 0 : Math.Max(0, (now - phaseStart).TotalSeconds), MemberPhases.Of(session, client)));
            }
            double seconds = session.SendingSeconds(now);
            double rateNow = RateNow(session, now);
            double firstPassSent = session.RepairRounds > 0 || session.State is not (SessionState.Offered or SessionState.Gathering or SessionState.Sending)
                ? 1.0
                : session.State == SessionState.Sending && session.Geometry.FragmentCount > 0
                    ? Math.Clamp(1.0 - session.PendingFragments / (double)session.Geometry.FragmentCount, 0, 1) : 0;
            double? eta = session.State == SessionState.Sending && rateNow > 0
                ? session.PendingFragments * (double)session.Geometry.FragmentSize / (rateNow * 1e6) : null;
            sessions.Add(new SessionStatus(session.SessionId, session.Image.Name, session.Geometry.ImageSize, session.Geometry.FragmentSize,
                (int)session.Geometry.FragmentCount, session.State.ToString(), session.Pass, session.RepairRounds,
                session.State == SessionState.Sending ? session.PendingFragments : session.RepairFragments,
                session.DataDatagramsSent, session.DataBytesSent, seconds > 0 ? session.DataBytesSent / seconds / 1e6 : 0,
                (now - session.CreatedAt).TotalSeconds, clients, session.ManifestDatagramsSent, session.ManifestBytesSent,
                session.Manifest.GroupShift, firstPassSent, rateNow, eta, session.ParityDatagramsSent, session.ParityBytesSent));
        }
        foreach (uint gone in new List<uint>(_rateWindows.Keys))
            if (!live.Contains(gone)) _rateWindows.Remove(gone);

        var reasons = new Dictionary<string, long>(engine.RejectReasons);
        if (Interlocked.Read(ref _overflowDrops) is long drops and > 0) reasons["queue-overflow"] = drops;
        if (Interlocked.Read(ref _oversizeDrops) is long oversize and > 0) reasons["oversize"] = oversize;
        // Not a dropped datagram: a pending unicast offer pushed out by a newer REQUEST from the same address (§7.2 rule 11).
        if (engine.UnicastOfferEvictions > 0) reasons["unicast-offer-evicted"] = engine.UnicastOfferEvictions;
        long sendFailures = (_socket?.SendFailures ?? 0) + (_output?.BatchSendFailures ?? 0);
        if (_channel is FaultInjectingChannel faults)
        {
            reasons["injected-drop"] = faults.SendFaults.Dropped;
            reasons["injected-corrupt"] = faults.SendFaults.Corrupted;
            reasons["injected-duplicate"] = faults.SendFaults.Duplicated;
            reasons["injected-reorder"] = faults.SendFaults.Reordered;
        }
        long repairRounds = engine.RepairRoundsOfRemovedSessions;
        foreach (var session in engine.Sessions) repairRounds += session.RepairRounds;
        var totals = new ServeTotals(engine.SessionsStarted, repairRounds, new Dictionary<string, long>(engine.ResultsByOutcome));
        var traffic = new TrafficStatus(engine.DatagramsReceived, engine.DatagramsRejected, engine.DatagramsSent, engine.BytesSent, sendFailures, reasons);
        Volatile.Write(ref _status, new ServerStatus(DateTimeOffset.UtcNow, _startedAt, LocalEndPoint.ToString(), _options.Delivery.ToString(),
            DataDestinationText(), _options.RateMbitPerSecond, images, rejected, sessions, traffic, engine.ResultsRecorded,
            _credentials.SecretFile ?? "memory", _credentials.Signer?.ModulusSha256Hex, engine.ForgedResultsDropped, _instructions.Snapshot(WallTime), _inventory.Snapshot(WallTime), totals));
    }

    /// <summary>Data MB/s over the last <see cref="RateWindow"/>: 0 while nothing is sent (a machine writing its flash), not the session's average.</summary>
    private double RateNow(ImageSession session, TimeSpan now)
    {
        if (!_rateWindows.TryGetValue(session.SessionId, out var window))
        {
            _rateWindows[session.SessionId] = (now, session.DataBytesSent, 0);
            return 0;
        }
        if (now - window.At < RateWindow) return window.MBytesPerSecond;
        double rate = (session.DataBytesSent - window.Bytes) / (now - window.At).TotalSeconds / 1e6;
        _rateWindows[session.SessionId] = (now, session.DataBytesSent, rate);
        return rate;
    }

    /// <summary>What a member is doing, in the words the live view and /status use, and since when (MinValue: unknown).</summary>
    private static (string Phase, TimeSpan Since) PhaseOf(ImageSession session, SessionClient client) => client.State switch
    {
        MemberState.Receiving when session.RepairRounds == 0 => ("first-pass", client.JoinedAt),
        MemberState.Receiving => ("repairing", TimeSpan.MinValue),
        MemberState.Complete => ("writing", client.CompletedAt),
        MemberState.Reported when client.ResultText?.StartsWith("success", StringComparison.Ordinal) == true => ("done", TimeSpan.MinValue),
        MemberState.Reported => ("failed", TimeSpan.MinValue),
        MemberState.TimedOut => ("timed-out", TimeSpan.MinValue),
        _ => ("left", TimeSpan.MinValue),
    };

    private string DataDestinationText() => _options.Delivery == Core.Protocol.Wire.DeliveryMode.Unicast
        ? "each client"
        : string.Create(CultureInfo.InvariantCulture, $"{_options.DataDestination}:{_options.ClientPort}");

    private ServerStatus EmptyStatus() => new(DateTimeOffset.UtcNow, _startedAt, _options.Listen.ToString(), _options.Delivery.ToString(),
        DataDestinationText(), _options.RateMbitPerSecond, Array.Empty<ImageStatus>(), Array.Empty<RejectedImageStatus>(),
        Array.Empty<SessionStatus>(), new TrafficStatus(0, 0, 0, 0, 0, new Dictionary<string, long>()), 0,
        Instructions: Array.Empty<Instructions.InstructionStatus>(), Machines: Array.Empty<Inventory.MachineStatus>());
}
