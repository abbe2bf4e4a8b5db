using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Fec;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Limits;
using UefiRecovery.Manager.Serving.Network;
using UefiRecovery.Manager.Serving.Pacing;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Serving.Status;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// The donor side of the recovery protocol (docs/protocol.md §6). One UDP socket; a receive loop that
/// only queues datagrams; one engine thread that owns every session and does all the protocol work
/// (so no session state is ever shared between threads), paces DATA, runs status rounds, and publishes
/// a status snapshot a few times a second.
/// </summary>
public sealed partial class RecoveryServer : BackgroundService, IStatusSource
{
    // Bounds that keep a flood from exhausting memory: queued datagrams, live sessions, members per session.
    private const int MaxQueuedDatagrams = 65536;
    private const int MaxSessions = 256;
    private const int MaxOffers = 4096;
    private const int MaxFinishedSessionsKept = 64;
    private const int MaxClientsPerSession = 4096;
    private const int ReceiveBufferBytes = 65536;
    // §7.2 rule 11: live unicast sessions per source address (each needed a token-proven ACCEPT from there).
    public const int MaxUnicastPerAddress = 4;
    // Pending unicast offers per address: a spoofed REQUEST makes one, so more only evict the oldest there. 16
    // gives a machine 16 of a spoofer's REQUESTs to accept in (1.6 s at 10 a second; it accepts within T_offer).
    public const int MaxPendingUnicastPerAddress = 16;
    // Hashing a whole image for a manifest nobody asked for before, and RSA signatures, are the two
    // expensive things a datagram can make the engine do: each has its own budget.
    private const double ManifestHashBytesPerSecond = 64.0 * 1024 * 1024;
    private const double SignaturesPerSecond = 200;

    private readonly ServeOptions _options;
    private readonly ImageCatalog _catalog;
    private readonly ResultLog _results;
    private readonly InstructionBook _instructions;
    private readonly Inventory.MachineInventory _inventory;
    private readonly ILogger<RecoveryServer> _logger;
    private readonly SessionTimings _timings;
    private readonly ConcurrentQueue<Inbound> _inbound = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Dictionary<uint, ImageSession> _sessions = new();
    private readonly OfferTable _offers = new(MaxOffers, TimeSpan.FromSeconds(30), MaxPendingUnicastPerAddress);
    private readonly BoundedKeySet<(uint Session, ulong Token)> _recordedResults = new(MaxRecordedResultKeys);
    private readonly MembershipKeys _keys;
    // Where each MAC proved a membership this run: one MAC at two addresses is flagged in the status and the result log.
    private readonly MacAddressBook _macBook = new(MaxRecordedResultKeys);
    private readonly OfferSigner? _signer;
    private readonly string? _secretFile;
    private readonly ManifestCache _manifests = new(new WorkBudget(ManifestHashBytesPerSecond, ManifestHashBytesPerSecond));
    private readonly IReadOnlyList<ushort> _fragmentSizes;
    private readonly WorkBudget _signatureBudget = new(SignaturesPerSecond, SignaturesPerSecond);
    // Encodes PARITY on the engine thread (§5.5): one fragment of scratch, nothing per datagram.
    private readonly ErasureCode _encoder = new ErasureCode(1, ProtocolLimits.MaxFragmentSize);
    private readonly byte[] _manifestLeaves = new byte[ManifestMessage.MaxLeafCount * Hash128.Length];
    private readonly byte[] _manifestProof = new byte[ManifestMessage.MaxProofLength * Hash128.Length];
    private readonly Dictionary<string, long> _rejects = new();
    private readonly byte[] _sendBuffer = new byte[ProtocolLimits.MaxDatagram + 64];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<SessionClient> _timedOutScratch = new();
    private readonly List<uint> _endedScratch = new();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    private UdpSocketChannel? _socket;

    // Group DATA in sendmmsg batches (Linux, no fault injection): flushed before SendData returns, so every
    // other message (STATUS_REQUEST after a pass) still leaves after the DATA before it.
    private LinuxSendBatch? _sendBatch;
    private long _batchSendFailures;
    private IUdpChannel? _channel;
    private TokenBucket _pacer;
    private ulong _donorId;
    private uint _nextMessageId = 1;
    private long _queued;
    private long _datagramsReceived;
    private long _datagramsRejected;
    private long _datagramsSent;
    private long _bytesSent;
    private long _resultsRecorded;
    private long _sessionsStarted;
    private long _repairRoundsOfRemovedSessions;
    private readonly Dictionary<string, long> _resultsByOutcome = new();
    private TimeSpan _nextSnapshotAt;
    private ServerStatus _status;

    public RecoveryServer(ServeOptions options, ImageCatalog catalog, ResultLog results, DonorCredentials credentials, InstructionBook instructions,
        Inventory.MachineInventory inventory, ILogger<RecoveryServer> logger)
    {
        _instructions = instructions;
        _inventory = inventory;
        _options = options;
        _keys = credentials.Keys;
        _signer = credentials.Signer;
        _secretFile = credentials.SecretFile;
        _catalog = catalog;
        _results = results;
        _logger = logger;
        _timings = new SessionTimings { ClientTimeout = options.ClientTimeout, Gather = options.Gather };
        _fragmentSizes = FragmentSizes.Offered(options.FragmentSize);
        // Burst: 10 ms of line rate (at least 64 KiB). The sender sleeps in whole milliseconds, and on a
        // busy host it wakes late; a bucket that holds 10 ms lets it catch up instead of losing the rate.
        // Receivers' socket buffers absorb a burst of this size easily.
        int burst = (int)Math.Max(64 * 1024, options.RateMbitPerSecond * 1_000_000 / 8 * 0.010);
        _pacer = new TokenBucket(options.RateMbitPerSecond, burst);
        _status = EmptyStatus();
    }

    public IPEndPoint LocalEndPoint => _channel?.LocalEndPoint ?? _options.Listen;

    public ServerStatus Current => Volatile.Read(ref _status);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host reports "started", so the ready line carries the real endpoint.
        try
        {
            _socket = new UdpSocketChannel(_options.Listen);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new ListenFailedException("UDP", _options.Listen, "--listen", e);
        }
        if (_options.Delivery == DeliveryMode.Multicast)
        {
            _socket.SetMulticastTtl(_options.MulticastTtl);
            if (!_options.Listen.Address.Equals(IPAddress.Any)) _socket.SetMulticastSendInterface(_options.Listen.Address);
        }
        _channel = _options.Faults.IsActive
            ? new FaultInjectingChannel(_socket, _options.Faults, FaultOptions.None)
            : _socket;
        if (_options.BatchSends && OperatingSystem.IsLinux() && !_options.Faults.IsActive) _sendBatch = _socket.CreateSendBatch();
        _donorId = DonorIdentity.SenderIdFor(_options.DonorName, _socket.LocalEndPoint.Port);

        var snapshot = _catalog.Reload();
        LogCatalog(snapshot);
        WarmManifests(snapshot);
        _catalog.Reloaded += LogCatalog;
        _catalog.Reloaded += WarmManifests;
        _catalog.ReloadFailed += e => _logger.LogError("catalog: reload failed, still offering the previous catalog: {Error}", e.GetType().Name + ": " + e.Message);
        _catalog.Watch();
        PublishStatus(Now);
        _logger.LogInformation("serving {Folder} on udp {Endpoint}, delivery {Delivery}, rate {Rate} Mbit/s, donor id {Id:x16}",
            _catalog.Folder, _socket.LocalEndPoint, _options.Delivery, _options.RateMbitPerSecond, _donorId);
        if (_secretFile is not null) _logger.LogInformation("member tokens and abort keys derived from the secret in {SecretFile}", _secretFile);
        else _logger.LogWarning("member tokens and abort keys derived from a secret kept in memory only: after a restart, RESULTs and STATUS of earlier sessions are not recognised (give --secret-file or --results)");
        if (_signer is not null)
            _logger.LogInformation("signing every OFFER with RSA-2048, modulus SHA-256 {Hash} (the machines' uefirecovery.trust.manager)", _signer.ModulusSha256Hex);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task receive = Task.Run(() => ReceiveLoopAsync(stoppingToken), CancellationToken.None);
        Task engine = Task.Factory.StartNew(() => EngineLoop(stoppingToken), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(receive, engine).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Graceful shutdown (§7.2 rule 10): tell each member of every live session, with its own abort key, so
        // the machines look for another donor (or come back to us) at once instead of waiting for their timeout.
        foreach (var session in _sessions.Values)
            if (session.State is not (SessionState.Offered or SessionState.Finished))
                foreach (var client in session.Clients)
                    if (client.IsActive) SendMemberAbort(session, client, AbortReason.DonorShutdown);
        PublishStatus(Now);
        _logger.LogInformation("stopped; {Results} results recorded in {Path}", _resultsRecorded, _results.FilePath);
        _channel?.Dispose();
        _sendBatch?.Dispose();
        _sendBatch = null;
    }

    private TimeSpan Now => _clock.Elapsed;

    private async Task ReceiveLoopAsync(CancellationToken stoppingToken)
    {
        byte[] buffer = new byte[ReceiveBufferBytes];
        while (!stoppingToken.IsCancellationRequested)
        {
            ReceivedDatagram got;
            try
            {
                got = await _channel!.ReceiveAsync(buffer, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (System.Net.Sockets.SocketException e)
            {
                _logger.LogWarning("receive failed: {Error}", e.SocketErrorCode);
                continue;
            }
            if (got.Length > ProtocolLimits.MaxDatagram)
            {
                // No message is this long (§5.2); not worth a copy.
                Interlocked.Increment(ref _oversizeDrops);
                continue;
            }
            if (Interlocked.Read(ref _queued) >= MaxQueuedDatagrams || Interlocked.Read(ref _queuedBytes) >= MaxQueuedBytes)
            {
                Interlocked.Increment(ref _overflowDrops);
                continue;
            }
            byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(got.Length, 1));
            buffer.AsSpan(0, got.Length).CopyTo(copy);
            _inbound.Enqueue(new Inbound(copy, got.Length, got.Sender));
            Interlocked.Add(ref _queuedBytes, copy.Length);
            Interlocked.Increment(ref _queued);
            _wake.Set();
        }
    }

    private long _overflowDrops;
    private long _oversizeDrops;

    private void EngineLoop(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            _wake.Reset();
            DrainInbound();
            TimeSpan now = Now;
            TickSessions(now);
            TickInstructions(now);
            TimeSpan pacerWait = SendData(now, stoppingToken);
            if (now >= _nextSnapshotAt) PublishStatus(now);

            TimeSpan wait = TimeSpan.FromMilliseconds(20);
            if (pacerWait > TimeSpan.Zero) wait = pacerWait;
            else if (HasDataToSend()) wait = TimeSpan.Zero;
            foreach (var session in _sessions.Values)
                if (session.NextDeadline is { } deadline) wait = Min(wait, deadline - now);
            if (_instructions.NextWake() is { } instructionWake) wait = Min(wait, instructionWake - now);
            if (wait <= TimeSpan.Zero) continue;
            if (!_inbound.IsEmpty) continue;
            _wake.Wait(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, CancellationToken.None);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private bool HasDataToSend()
    {
        foreach (var session in _sessions.Values)
            if (session.State == SessionState.Sending) return true;
        return false;
    }

    private void DrainInbound()
    {
        // Bounded per iteration so a flood cannot starve DATA and the status rounds.
        for (int i = 0; i < 4096 && _inbound.TryDequeue(out Inbound item); i++)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Add(ref _queuedBytes, -item.Buffer.Length);
            _datagramsReceived++;
            try
            {
                HandleDatagram(item.Buffer.AsSpan(0, item.Length), item.Sender, Now);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug, never an input condition: count it, log it, keep serving the other clients.
                Reject("internal-error");
                if (LogFrom(item.Sender, LogLevel.Error)) _logger.LogError(e, "internal error handling a datagram from {Sender}", item.Sender);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }
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
            if (action == SessionAction.SendStatusRequest) SendStatusRequest(session, now);
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
    }

    /// <summary>Sends DATA while the pacer allows; returns how long until it allows more (zero if not limited by it).</summary>
    private TimeSpan SendData(TimeSpan now, CancellationToken stoppingToken)
    {
        try
        {
            return SendDataUnflushed(now, stoppingToken);
        }
        finally
        {
            FlushSendBatch();
        }
    }

    private void FlushSendBatch()
    {
        if (_sendBatch is null || _sendBatch.Count == 0) return;
        long before = _sendBatch.Failures;
        _sendBatch.Flush();
        if (_sendBatch.Failures != before) Interlocked.Add(ref _batchSendFailures, _sendBatch.Failures - before);
    }

    private TimeSpan SendDataUnflushed(TimeSpan now, CancellationToken stoppingToken)
    {
        for (int budget = 0; budget < 512 && !stoppingToken.IsCancellationRequested; budget++)
        {
            ImageSession? session = NextSendingSession();
            if (session is null) return TimeSpan.Zero;
            int copies = session.Delivery == DeliveryMode.Unicast ? CountReceiving(session) : 1;
            int size = DataMessage.MessageLength(session.Geometry.FragmentSize) * Math.Max(copies, 1);
            if (!_pacer.TryTake(size, out TimeSpan wait)) return wait;
            if (!session.TryTakeNextFragment(now, out uint index, out bool manifestFirst))
            {
                // §5.5: after a repair pass's DATA, the parity its BLOCK COUNTS asked for, block by block.
                if (session.TryTakeNextParityBlock(now, out uint block, out int firstParity, out int parityCount, out uint firstGroup, out uint groupCount))
                {
                    int sent = 0;
                    for (uint g = firstGroup; g < firstGroup + groupCount; g++)
                        if (session.TryAnnounceGroup(g)) sent += SendManifest(session, g);
                    for (int p = 0; p < parityCount; p++)
                        sent += SendParity(session, block, (firstParity + p) % ProtocolConstants.FecMaxParity, now);
                    _pacer.Spend(Math.Max(0, sent - size));
                    ChargeShare(session, sent);
                }
                continue;
            }
            int manifestBytes = manifestFirst ? SendManifest(session, session.Manifest.Tree.Shape.GroupOf(index)) : 0;
            _pacer.Spend(manifestBytes);
            SendFragment(session, index, now);
            ChargeShare(session, size + manifestBytes);
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
        if (_sendBatch is not null && session.GroupDestination is { } group && LinuxSendBatch.CanSendTo(group))
        {
            Span<byte> slot = _sendBatch.NextSlot(group);
            if (DataMessage.TryEmit(slot, ids, index, session.Pass, fragment, out int batched) != WireStatus.Ok) return;
            _sendBatch.Commit(batched);
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
        bool batch = _sendBatch is not null && session.GroupDestination is { } group && LinuxSendBatch.CanSendTo(group);
        Span<byte> destination = batch ? _sendBatch!.NextSlot(session.GroupDestination!) : _sendBuffer;
        if (ParityMessage.TryBeginEmit(destination, ids, block, parityIndex, session.Pass, g.FragmentSize, out Span<byte> parity) != WireStatus.Ok
            || _encoder.TryEncode(source, g.FragmentSize, parityIndex, parity) != FecStatus.Ok)
        {
            return 0;
        }
        int written = ParityMessage.FinishEmit(destination, g.FragmentSize);
        if (batch)
        {
            _sendBatch!.Commit(written);
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
        if (_sendBatch is not null && session.GroupDestination is { } destination && LinuxSendBatch.CanSendTo(destination))
        {
            Span<byte> slot = _sendBatch.NextSlot(destination);
            if (ManifestMessage.TryEmit(slot, ids, first, leaves, proof, out int batched) != WireStatus.Ok) return 0;
            _sendBatch.Commit(batched);
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
        _channel!.Send(_sendBuffer.AsSpan(0, length), destination);
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

    // The configured fragment size, and the one a machine with the default max datagram gets, are built at load;
    // the other offered sizes on first use. Trees of images that left the catalog are dropped.
    private void WarmManifests(ImageCatalog.Snapshot snapshot)
    {
        _manifests.Retain(snapshot.Images);
        _manifests.Warm(snapshot.Images, (ushort)_options.FragmentSize);
        ushort defaultClient = FragmentSizes.ForClient(_fragmentSizes, ProtocolLimits.DefaultDatagram);
        if (defaultClient != _options.FragmentSize) _manifests.Warm(snapshot.Images, defaultClient);
    }

    private readonly record struct Inbound(byte[] Buffer, int Length, IPEndPoint Sender);
}
