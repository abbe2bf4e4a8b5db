using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Fec;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Limits;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Pacing;
using UefiRecovery.Manager.Serving.Results;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The donor side of the recovery protocol (docs/protocol.md §6, §7.2) without sockets, threads or a clock:
/// datagrams come in through <see cref="Receive"/> with their source and the time, everything it sends goes to
/// an <see cref="IDonorOutput"/>, and <see cref="Tick"/> runs the timers, sends the DATA the pacer allows and says
/// when it next needs to run. It owns every session, so one caller (the serve engine thread, or the fleet model
/// on its virtual clock) drives it and no session state is shared between threads.
/// </summary>
public sealed partial class DonorEngine
{
    // Bounds that keep a flood from exhausting memory: live sessions, offers, members per session.
    private const int MaxSessions = 256;
    private const int MaxOffers = 4096;
    private const int MaxFinishedSessionsKept = 64;
    // Members per session and in all live sessions: _options.Limits (DonorLimits).
    // §7.2 rule 11: live unicast sessions per source address (each needed a token-proven ACCEPT from there).
    public const int MaxUnicastPerAddress = 4;
    // Pending unicast offers per address: a spoofed REQUEST makes one, so more only evict the oldest there. 16
    // gives a machine 16 of a spoofer's REQUESTs to accept in (1.6 s at 10 a second; it accepts within T_offer).
    public const int MaxPendingUnicastPerAddress = 16;
    // Hashing a whole image for a manifest nobody asked for before, and RSA signatures, are the two
    // expensive things a datagram can make the engine do: each has its own budget.
    private const double ManifestHashBytesPerSecond = 64.0 * 1024 * 1024;
    private const double SignaturesPerSecond = 200;

    /// <summary>With nothing due, the engine looks again this much later (the serve loop's idle poll).</summary>
    public static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(20);

    private readonly ServeOptions _options;
    private readonly ImageCatalog _catalog;
    private readonly ResultLog _results;
    private readonly InstructionBook _instructions;
    private readonly Inventory.MachineInventory _inventory;
    private readonly ILogger _logger;
    private readonly SessionTimings _timings;
    private readonly IDonorOutput _output;
    private readonly Random _random;
    private readonly DateTimeOffset _startedAt;
    private readonly Dictionary<uint, ImageSession> _sessions = new();
    private readonly OfferTable _offers = new(MaxOffers, TimeSpan.FromSeconds(30), MaxPendingUnicastPerAddress);
    private readonly BoundedKeySet<(uint Session, ulong Token)> _recordedResults = new(MaxRecordedResultKeys);
    private readonly MembershipKeys _keys;
    // Where each MAC proved a membership this run: one MAC at two addresses is flagged in the status and the result log.
    private readonly MacAddressBook _macBook = new(MaxRecordedResultKeys);
    private readonly OfferSigner? _signer;
    private readonly ManifestCache _manifests = new(new WorkBudget(ManifestHashBytesPerSecond, ManifestHashBytesPerSecond));
    private readonly IReadOnlyList<ushort> _fragmentSizes;
    private readonly WorkBudget _signatureBudget = new(SignaturesPerSecond, SignaturesPerSecond);
    // Encodes PARITY on the engine thread (§5.5) with a byte shuffle per 16 bytes; nothing allocated per datagram.
    private readonly Fec.BlockParityEncoder _encoder = new(ProtocolLimits.MaxFragmentSize);
    private readonly byte[] _manifestLeaves = new byte[ManifestMessage.MaxLeafCount * Hash128.Length];
    private readonly byte[] _manifestProof = new byte[ManifestMessage.MaxProofLength * Hash128.Length];
    private readonly Dictionary<string, long> _rejects = new();
    private readonly byte[] _sendBuffer = new byte[ProtocolLimits.MaxDatagram + 64];
    private readonly List<SessionClient> _timedOutScratch = new();
    private readonly List<uint> _endedScratch = new();
    private readonly ulong _donorId;

    private uint _nextMessageId = 1;
    private TimeSpan _now;
    private long _datagramsReceived;
    private long _datagramsRejected;
    private long _datagramsSent;
    private long _bytesSent;
    private long _resultsRecorded;
    private long _sessionsStarted;
    private long _repairRoundsOfRemovedSessions;
    private readonly Dictionary<string, long> _resultsByOutcome = new();

    /// <param name="donorId">This donor's sender id on the wire (<see cref="DonorIdentity.SenderIdFor"/>).</param>
    /// <param name="output">Where every datagram the engine sends goes.</param>
    /// <param name="random">Session ids (serve: <see cref="Random.Shared"/>; the fleet model: seeded).</param>
    /// <param name="startedAt">The wall time of engine time zero (instruction records).</param>
    public DonorEngine(ServeOptions options, ImageCatalog catalog, ResultLog results, DonorCredentials credentials, InstructionBook instructions,
        Inventory.MachineInventory inventory, ulong donorId, IDonorOutput output, Random random, DateTimeOffset startedAt, ILogger logger)
    {
        _options = options;
        _catalog = catalog;
        _results = results;
        _keys = credentials.Keys;
        _signer = credentials.Signer;
        _instructions = instructions;
        _inventory = inventory;
        _donorId = donorId;
        _output = output;
        _random = random;
        _startedAt = startedAt;
        _logger = logger;
        _timings = new SessionTimings { ClientTimeout = options.ClientTimeout, Gather = options.Gather };
        _fragmentSizes = FragmentSizes.Offered(options.FragmentSize);
    }

    /// <summary>This donor's sender id.</summary>
    public ulong DonorId => _donorId;

    /// <summary>Every session, live and recently finished (the status view).</summary>
    public IReadOnlyCollection<ImageSession> Sessions => _sessions.Values;

    /// <summary>Where each MAC proved a membership this run.</summary>
    public MacAddressBook MacBook => _macBook;

    /// <summary>Datagrams dropped, by reason.</summary>
    public IReadOnlyDictionary<string, long> RejectReasons => _rejects;

    /// <summary>Pending unicast offers pushed out by a newer REQUEST from the same address (§7.2 rule 11).</summary>
    public long UnicastOfferEvictions => _offers.UnicastEvictions;

    public long DatagramsReceived => _datagramsReceived;
    public long DatagramsRejected => _datagramsRejected;
    public long DatagramsSent => _datagramsSent;
    public long BytesSent => _bytesSent;
    public long ResultsRecorded => _resultsRecorded;
    public long SessionsStarted => _sessionsStarted;

    /// <summary>Repair rounds of sessions no longer listed (they still count in the totals).</summary>
    public long RepairRoundsOfRemovedSessions => _repairRoundsOfRemovedSessions;

    /// <summary>Results recorded, by outcome.</summary>
    public IReadOnlyDictionary<string, long> ResultsByOutcome => _resultsByOutcome;

    private TimeSpan Now => _now;

    /// <summary>Handles one datagram from <paramref name="sender"/> that arrived at <paramref name="now"/>.</summary>
    public void Receive(ReadOnlySpan<byte> datagram, IPEndPoint sender, TimeSpan now)
    {
        _now = now;
        _datagramsReceived++;
        try
        {
            HandleDatagram(datagram, sender, now);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug, never an input condition: count it, log it, keep serving the other clients.
            Reject("internal-error");
            if (LogFrom(sender, LogLevel.Error)) _logger.LogError(e, "internal error handling a datagram from {Sender}", sender);
        }
    }

    /// <summary>
    /// Runs the sessions' and instructions' timers, sends the DATA <paramref name="pacer"/> allows, and returns
    /// when the engine next needs to run (≤ <paramref name="now"/>: at once) if no datagram comes first.
    /// </summary>
    public TimeSpan Tick(TimeSpan now, ISendPacer pacer, CancellationToken stoppingToken = default)
    {
        _now = now;
        TickSessions(now);
        TickInstructions(now);
        TimeSpan pacerWait = SendData(now, pacer, stoppingToken);

        TimeSpan wait = IdleWait;
        if (pacerWait > TimeSpan.Zero) wait = pacerWait;
        else if (HasDataToSend()) wait = TimeSpan.Zero;
        foreach (var session in _sessions.Values)
            if (session.NextDeadline is { } deadline) wait = Min(wait, deadline - now);
        if (_instructions.NextWake() is { } instructionWake) wait = Min(wait, instructionWake - now);
        return now + wait;
    }

    /// <summary>
    /// Graceful shutdown (§7.2 rule 10): tells each member of every live session, with its own abort key, so the
    /// machines look for another donor (or come back to us) at once instead of waiting for their timeout.
    /// </summary>
    public void AbortAllMembers(TimeSpan now)
    {
        _now = now;
        foreach (var session in _sessions.Values)
            if (session.State is not (SessionState.Offered or SessionState.Finished))
                foreach (var client in session.Clients)
                    if (client.IsActive) SendMemberAbort(session, client, AbortReason.DonorShutdown);
        _output.Flush();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private bool HasDataToSend()
    {
        foreach (var session in _sessions.Values)
            if (session.State == SessionState.Sending) return true;
        return false;
    }

    private void Reject(string reason)
    {
        _datagramsRejected++;
        _rejects[reason] = _rejects.TryGetValue(reason, out long n) ? n + 1 : 1;
    }

    private void TickSessions(TimeSpan now)
    {
        _endedScratch.Clear();
        foreach (var session in _sessions.Values)
        {
            _timedOutScratch.Clear();
            SessionState before = session.State;
            SessionAction action = session.Tick(now, _timedOutScratch);
            foreach (var client in _timedOutScratch) RecordTimeout(session, client, now);
            if (action == SessionAction.SendStatusRequest)
            {
                SendStatusRequest(session, now);
                LogProactivePassZero(session);
            }
            if (session.State != before) LogTransition(session, before);
            if (session.State == SessionState.Finished && now - session.StateSince > (session.Clients.Count == 0 ? TimeSpan.Zero : _timings.FinishedLinger))
                _endedScratch.Add(session.SessionId);
        }
        foreach (uint id in _endedScratch) RemoveSession(id);
        _offers.Expire(now);
        TrimFinishedSessions();
        LogBadTokens(now);
        ReportSuppressed(now);
    }

    // Finished sessions are kept for the status view only; a flood of short sessions must not pile them up.
    private void TrimFinishedSessions()
    {
        int finished = 0;
        foreach (var session in _sessions.Values) if (session.IsEnded) finished++;
        if (finished <= MaxFinishedSessionsKept) return;
        _endedScratch.Clear();
        foreach (var session in _sessions.Values)
        {
            if (!session.IsEnded) continue;
            _endedScratch.Add(session.SessionId);
            if (--finished <= MaxFinishedSessionsKept) break;
        }
        foreach (uint id in _endedScratch) RemoveSession(id);
    }

    // The repair rounds of a session that is no longer listed still count in the totals (GET /metrics).
    private void RemoveSession(uint id)
    {
        if (_sessions.Remove(id, out ImageSession? session)) _repairRoundsOfRemovedSessions += session.RepairRounds;
    }

    /// <summary>One line in the result log, counted by outcome.</summary>
    private void Record(ResultRecord record)
    {
        _results.Append(record);
        _resultsRecorded++;
        _resultsByOutcome[record.Outcome] = _resultsByOutcome.GetValueOrDefault(record.Outcome) + 1;
    }

    private void LogTransition(ImageSession session, SessionState before)
    {
        if (session.Clients.Count == 0 && session.State == SessionState.Finished)
        {
            _logger.LogInformation("session {Session:x8} {Image}: offer expired, nobody accepted", session.SessionId, session.Image.Name);
            return;
        }
        _logger.LogInformation("session {Session:x8} {Image}: {Before} -> {After} (pass {Pass}, round {Round}, repair rounds {Repairs}, pending {Pending})",
            session.SessionId, session.Image.Name, before, session.State, session.Pass, session.Round, session.RepairRounds, session.PendingFragments);
        if (session.State == SessionState.Sending && session.Pass > 0 && (session.PassParityBlocks > 0 || session.PassManifestBlocks > 0))
            _logger.LogInformation("session {Session:x8} {Image}: pass {Pass} parity {Parity} for {Blocks} blocks, MANIFESTs for {ManifestBlocks} blocks x{Copies}; pass-0 loss {Loss}, poll grace {Grace} ms",
                session.SessionId, session.Image.Name, session.Pass, session.PassParity, session.PassParityBlocks, session.PassManifestBlocks, session.ManifestCopies,
                session.PassZeroLoss is { } loss ? loss.ToString("P2", System.Globalization.CultureInfo.InvariantCulture)
                    : session.ProactiveParitySent > 0 ? "not measured (proactive parity)" : "not measured", (int)session.PollGrace.TotalMilliseconds);
    }

    // Once, when pass 0 is over (its first status round is asked; pass 0 ends inside the sending loop, not in a tick).
    private void LogProactivePassZero(ImageSession session)
    {
        if (session.Round != 1 || session.Pass != 0 || session.ProactiveParitySent == 0) return;
        _logger.LogInformation("session {Session:x8} {Image}: pass 0 carried {Parity} proactive parity for {Blocks} blocks ({Share} of each)",
            session.SessionId, session.Image.Name, session.ProactiveParitySent, session.BlockCount,
            (session.ProactiveShare * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%");
    }

    // The configured fragment size, and the one a machine with the default max datagram gets, are built at load;
    // the other offered sizes on first use. Trees of images that left the catalog are dropped. Thread-safe (the
    // catalog watcher calls it): the cache locks.
    public void WarmManifests(ImageCatalog.Snapshot snapshot)
    {
        _manifests.Retain(snapshot.Images);
        _manifests.Warm(snapshot.Images, (ushort)_options.FragmentSize);
        ushort defaultClient = FragmentSizes.ForClient(_fragmentSizes, ProtocolLimits.DefaultDatagram);
        if (defaultClient != _options.FragmentSize) _manifests.Warm(snapshot.Images, defaultClient);
    }

    /// <summary>The UTC time of an engine time.</summary>
    private DateTimeOffset WallTime(TimeSpan engineTime) => _startedAt + engineTime;
}
