using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Inventory;
using UefiRecovery.Manager.Serving.Network;
using UefiRecovery.Manager.Serving.Pacing;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Serving.Status;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// serve's donor (docs/protocol.md §6): one UDP socket; a receive loop that only queues datagrams; one engine
/// thread that hands them to the <see cref="DonorEngine"/> (which owns every session and does all the protocol
/// work, so no session state is ever shared between threads), paces DATA with a <see cref="TokenBucket"/>, sleeps
/// until the engine next needs to run or a datagram comes, and publishes a status snapshot a few times a second.
/// </summary>
public sealed partial class RecoveryServer : BackgroundService, IStatusSource
{
    // Bounds that keep a flood from exhausting memory: queued datagrams (the engine bounds the rest).
    private const int MaxQueuedDatagrams = 65536;
    private const int ReceiveBufferBytes = 65536;

    // Queued but not yet handled datagrams, in rented bytes: with MaxQueuedDatagrams alone a flood of
    // large datagrams could hold 65536 × 16 KiB.
    private const long MaxQueuedBytes = 16L * 1024 * 1024;

    // The engine thread sleeps at least this long (a shorter wait would spin).
    public static readonly TimeSpan MinimumSleep = TimeSpan.FromMilliseconds(1);

    private readonly ServeOptions _options;
    private readonly ImageCatalog _catalog;
    private readonly ResultLog _results;
    private readonly DonorCredentials _credentials;
    private readonly InstructionBook _instructions;
    private readonly Inventory.MachineInventory _inventory;
    private readonly ILogger<RecoveryServer> _logger;
    private readonly ConcurrentQueue<Inbound> _inbound = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly TokenBucket _pacer;

    private UdpSocketChannel? _socket;
    private IUdpChannel? _channel;
    // Created once the socket is bound (its port is part of the donor id).
    private DonorEngine? _engine;
    private SocketDonorOutput? _output;
    private long _queued;
    private long _queuedBytes;
    private long _overflowDrops;
    private long _oversizeDrops;
    private TimeSpan _nextSnapshotAt;
    private ServerStatus _status;

    public RecoveryServer(ServeOptions options, ImageCatalog catalog, ResultLog results, DonorCredentials credentials, InstructionBook instructions,
        Inventory.MachineInventory inventory, ILogger<RecoveryServer> logger)
    {
        _instructions = instructions;
        _inventory = inventory;
        _options = options;
        _credentials = credentials;
        _catalog = catalog;
        _results = results;
        _logger = logger;
        _pacer = TokenBucket.ForData(options.RateMbitPerSecond);
        _status = EmptyStatus();
    }

    public IPEndPoint LocalEndPoint => _channel?.LocalEndPoint ?? _options.Listen;

    public ServerStatus Current => Volatile.Read(ref _status);

    /// <summary>RESULTs dropped because their token was not the member's: never recorded, never acknowledged.</summary>
    public long ForgedResultsDropped => _engine?.ForgedResultsDropped ?? 0;

    /// <summary>The machines heard of (agent start-up reports, RESULTs), for /status and POST /instructions' ifOlderThan.</summary>
    public MachineInventory Inventory => _inventory;

    /// <summary>The engine's monotonic time now (what the instruction book is driven with).</summary>
    public TimeSpan Clock => Now;

    /// <summary>The UTC time of an engine time.</summary>
    public DateTimeOffset WallTime(TimeSpan engineTime) => _startedAt + engineTime;

    /// <summary>This donor's sender id (an instruction's header carries it).</summary>
    public ulong DonorId => _engine?.DonorId ?? 0;

    /// <summary>Wakes the engine at once (a new instruction is to be sent).</summary>
    public void Wake() => _wake.Set();

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
        // Group DATA in sendmmsg batches (Linux, no fault injection).
        LinuxSendBatch? batch = _options.BatchSends && OperatingSystem.IsLinux() && !_options.Faults.IsActive ? _socket.CreateSendBatch() : null;
        _output = new SocketDonorOutput(_channel, batch);
        ulong donorId = DonorIdentity.SenderIdFor(_options.DonorName, _socket.LocalEndPoint.Port);
        _engine = new DonorEngine(_options, _catalog, _results, _credentials, _instructions, _inventory, donorId, _output, Random.Shared, _startedAt, _logger);

        var snapshot = _catalog.Reload();
        LogCatalog(snapshot);
        _engine.WarmManifests(snapshot);
        _catalog.Reloaded += LogCatalog;
        _catalog.Reloaded += _engine.WarmManifests;
        _catalog.ReloadFailed += e => _logger.LogError("catalog: reload failed, still offering the previous catalog: {Error}", e.GetType().Name + ": " + e.Message);
        _catalog.Watch();
        PublishStatus(Now);
        _logger.LogInformation("serving {Folder} on udp {Endpoint}, delivery {Delivery}, rate {Rate} Mbit/s, donor id {Id:x16}",
            _catalog.Folder, _socket.LocalEndPoint, _options.Delivery, _options.RateMbitPerSecond, donorId);
        if (_credentials.SecretFile is not null) _logger.LogInformation("member tokens and abort keys derived from the secret in {SecretFile}", _credentials.SecretFile);
        else _logger.LogWarning("member tokens and abort keys derived from a secret kept in memory only: after a restart, RESULTs and STATUS of earlier sessions are not recognised (give --secret-file or --results)");
        if (_credentials.Signer is not null)
            _logger.LogInformation("signing every OFFER with RSA-2048, modulus SHA-256 {Hash} (the machines' uefirecovery.trust.manager)", _credentials.Signer.ModulusSha256Hex);
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
        _engine?.AbortAllMembers(Now);
        PublishStatus(Now);
        _logger.LogInformation("stopped; {Results} results recorded in {Path}", _engine?.ResultsRecorded ?? 0, _results.FilePath);
        _channel?.Dispose();
        _output?.Dispose();
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

    private void EngineLoop(CancellationToken stoppingToken)
    {
        DonorEngine engine = _engine!;
        while (!stoppingToken.IsCancellationRequested)
        {
            _wake.Reset();
            DrainInbound(engine);
            TimeSpan now = Now;
            TimeSpan next = engine.Tick(now, _pacer, stoppingToken);
            if (now >= _nextSnapshotAt) PublishStatus(now);

            TimeSpan wait = next - now;
            if (wait <= TimeSpan.Zero) continue;
            if (!_inbound.IsEmpty) continue;
            _wake.Wait(wait < MinimumSleep ? MinimumSleep : wait, CancellationToken.None);
        }
    }

    private void DrainInbound(DonorEngine engine)
    {
        // Bounded per iteration so a flood cannot starve DATA and the status rounds.
        for (int i = 0; i < 4096 && _inbound.TryDequeue(out Inbound item); i++)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Add(ref _queuedBytes, -item.Buffer.Length);
            try
            {
                engine.Receive(item.Buffer.AsSpan(0, item.Length), item.Sender, Now);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }
        }
    }

    private void LogCatalog(ImageCatalog.Snapshot snapshot)
    {
        foreach (var image in snapshot.Images)
            _logger.LogInformation("catalog: offering {Image} type {Type} version {Version} lsv {Lowest}, {Size} bytes, capsule sha256 {Digest}",
                image.Name, image.ImageTypeId, CliFormat.Version(image.Version), CliFormat.Version(image.LowestSupportedVersion), image.Bytes.Length, image.DigestHex);
        foreach (var bad in snapshot.Rejected)
            _logger.LogWarning("catalog: NOT offering {Image}: {Reason}", bad.Name, bad.Reason);
    }

    private readonly record struct Inbound(byte[] Buffer, int Length, IPEndPoint Sender);
}
