using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Threading;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Faults;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// One simulated recovering machine: the portable <see cref="ClientSession"/> (the same engine the
/// firmware runs) over real UDP sockets, polled on its own thread. When the engine reports the image
/// verified, the "flash write" is writing the image to a file; then it reports success and waits for
/// RESULT_ACK.
/// </summary>
public sealed class SimulatedClient
{
    private readonly int _index;
    private readonly ClientConfig _config;
    private readonly SocketClientTransport _transport;
    private readonly ClientImageVerifier _verifier;
    private readonly string? _outputFolder;
    private readonly ClientSession _session;
    private int _aborted;
    private int _lost;
    private int _joins;
    private string? _outputFile;
    private string? _imageSha;

    public SimulatedClient(int index, ClientConfig config, IPAddress bindAddress, int groupPort, FaultOptions receiveFaults,
        ClientImageVerifier verifier, string? outputFolder, SharedGroupReceiver? sharedGroup = null)
    {
        _index = index;
        _config = config;
        _verifier = verifier;
        _outputFolder = outputFolder;
        _transport = new SocketClientTransport(bindAddress, groupPort, receiveFaults, sharedGroup);
        ClientSetupStatus setup = ClientSession.TryCreate(config, _transport, verifier, out ClientSession? session);
        if (setup != ClientSetupStatus.Ok || session is null)
        {
            _transport.Dispose();
            throw new ArgumentException("client setup failed: " + setup);
        }
        _session = session;
    }

    internal SocketClientTransport Transport => _transport;

    /// <summary>This machine on its own thread: poll the engine, wait for datagrams when idle, until finished or timed out.</summary>
    public SimulatedClientReport Run(TimeSpan startDelay, TimeSpan timeout, Stopwatch clock, CancellationToken cancellationToken)
    {
        if (startDelay > TimeSpan.Zero) cancellationToken.WaitHandle.WaitOne(startDelay);
        Begin(clock, timeout);
        try
        {
            while (!cancellationToken.IsCancellationRequested && !IsDone(clock.Elapsed))
            {
                ClientEvents events = Step((ulong)clock.ElapsedMilliseconds);
                if (IsDone(clock.Elapsed)) break;
                // While DATA streams in, the queue is drained (Poll again at once while it still holds datagrams)
                // and then left to fill for a millisecond instead of sleeping in poll(2): a machine asleep in poll
                // is woken by every datagram, and on one host those wake-ups (20 per broadcast DATA) run in the
                // sender's send call and throttled it to a fraction of its rate. Idle (discovery, waiting for a
                // round), it waits in poll for the next datagram.
                bool drained = _transport.TakeFoundEmpty();
                if ((events & ClientEvents.FragmentsReceived) == 0) _transport.WaitForData(TimeSpan.FromMilliseconds(2));
                else if (drained) Thread.Sleep(1);
            }
            return Report(clock.Elapsed - _started);
        }
        finally
        {
            _transport.Dispose();
        }
    }

    private TimeSpan _started;
    private TimeSpan _deadline;
    private Stopwatch _clock = new();
    private double? _firstRequestAt, _firstOfferAt, _acceptSentAt, _firstDataAt, _allHeldAt, _verifiedAt, _acknowledgedAt;

    /// <summary>Starts this machine's clock (the shared-socket driver calls Begin/Step/Finish instead of Run).</summary>
    public void Begin(Stopwatch clock, TimeSpan timeout)
    {
        _clock = clock;
        _started = clock.Elapsed;
        _deadline = _started + timeout;
    }

    public bool IsDone(TimeSpan now) => _session.State == ClientState.Finished || now >= _deadline;

    /// <summary>One engine turn: handles waiting datagrams and timers, and does the "flash write" when the image is verified.</summary>
    public ClientEvents Step(ulong nowMs)
    {
        ClientEvents events = _session.Poll(nowMs);
        if ((events & ClientEvents.SessionAborted) != 0) _aborted++;
        if ((events & ClientEvents.SessionLost) != 0) _lost++;
        if ((events & ClientEvents.Joined) != 0) _joins++;
        if (events != ClientEvents.None) NotePhases(events);
        if ((events & ClientEvents.ImageVerified) != 0) WriteImage(nowMs);
        return events;
    }

    // First time each step happened (the report's phases). The verification phase is the verifier's own
    // start and end: it runs inside the Poll that stored the last fragment.
    private void NotePhases(ClientEvents events)
    {
        double now = _clock.Elapsed.TotalSeconds;
        if ((events & ClientEvents.RequestSent) != 0) _firstRequestAt ??= now;
        if ((events & ClientEvents.OfferReceived) != 0) _firstOfferAt ??= now;
        if ((events & ClientEvents.DonorChosen) != 0) _acceptSentAt ??= now;
        if ((events & ClientEvents.FragmentsReceived) != 0) _firstDataAt ??= now;
        if ((events & ClientEvents.ImageVerified) != 0)
        {
            _allHeldAt ??= now - Stopwatch.GetElapsedTime(_verifier.LastVerifyStartTimestamp).TotalSeconds;
            _verifiedAt ??= now - Stopwatch.GetElapsedTime(_verifier.LastVerifyEndTimestamp).TotalSeconds;
        }
        if ((events & ClientEvents.ResultAcknowledged) != 0) _acknowledgedAt ??= now;
    }

    /// <summary>Ends this machine: closes its sockets and returns its report.</summary>
    public SimulatedClientReport Finish(TimeSpan now)
    {
        _transport.Dispose();
        return Report(now - _started);
    }

    // The "flash write" of a simulated machine: the verified image goes to a file, then RESULT success.
    private void WriteImage(ulong now)
    {
        ReadOnlySpan<byte> image = _session.VerifiedImage;
        // The verifier hashed these very bytes a moment ago (image-id check); hashing 32 MiB twice per machine
        // would cost 20 simulated machines a second of CPU on a 2-core host.
        _imageSha = _verifier.LastImageSha256 ?? Convert.ToHexStringLower(SHA256.HashData(image));
        bool written = true;
        if (_outputFolder is not null)
        {
            _outputFile = Path.Combine(_outputFolder, ClientFileName());
            try
            {
                using var file = new FileStream(_outputFile, FileMode.Create, FileAccess.Write);
                file.Write(image);
                file.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                written = false;
            }
        }
        _session.ReportOutcome(now, written, written ? ResultReason.None : ResultReason.FlashWriteFailed, _session.LastVerdict.ImageVersion);
    }

    private string ClientFileName() => Id.Replace(':', '-') + ".bin";

    private string Id => Serving.Sessions.SessionClient.FormatId(_config.MacAddress);

    private SimulatedClientReport Report(TimeSpan elapsed)
    {
        OfferRecord chosen = _session.ChosenOffer;
        bool hasOffer = chosen.DonorId != 0;
        FaultCounters? faults = _transport.FaultCounters;
        bool succeeded = _session.State == ClientState.Finished && _imageSha is not null;
        return new SimulatedClientReport(
            _index, Id, _transport.LocalEndPoint.ToString(), _session.State.ToString(), succeeded, elapsed.TotalSeconds,
            hasOffer ? chosen.DonorId.ToString("x16", CultureInfo.InvariantCulture) : null,
            hasOffer ? chosen.SessionId : 0,
            hasOffer ? chosen.Offer.ImageId.ToString("x16", CultureInfo.InvariantCulture) : null,
            _imageSha, _outputFile, _session.FragmentCount, _session.FragmentsHeld, _session.DatagramsReceived,
            _session.CorruptedFragments, _session.DuplicateFragments, _session.ChecksumFailures, _session.RequestsSent,
            _session.StatusesSent, _session.ImagesRejected, _verifier.LastRejection, _aborted, _lost, _joins,
            _session.ResultAcknowledged,
            faults?.Dropped ?? 0, faults?.Corrupted ?? 0, faults?.Duplicated ?? 0, faults?.Reordered ?? 0,
            new SimulatedClientPhases(_started.TotalSeconds, _firstRequestAt, _firstOfferAt, _acceptSentAt, _firstDataAt, _allHeldAt, _verifiedAt, _acknowledgedAt),
            _session.ForgedFragments, _session.OffersUnauthenticated, _session.SignatureChecks, _session.SessionsStalled);
    }
}
