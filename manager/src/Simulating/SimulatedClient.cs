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
        ClientImageVerifier verifier, string? outputFolder)
    {
        _index = index;
        _config = config;
        _verifier = verifier;
        _outputFolder = outputFolder;
        _transport = new SocketClientTransport(bindAddress, groupPort, receiveFaults);
        ClientSetupStatus setup = ClientSession.TryCreate(config, _transport, verifier, out ClientSession? session);
        if (setup != ClientSetupStatus.Ok || session is null)
        {
            _transport.Dispose();
            throw new ArgumentException("client setup failed: " + setup);
        }
        _session = session;
    }

    public SimulatedClientReport Run(TimeSpan startDelay, TimeSpan timeout, Stopwatch clock, CancellationToken cancellationToken)
    {
        if (startDelay > TimeSpan.Zero) cancellationToken.WaitHandle.WaitOne(startDelay);
        TimeSpan started = clock.Elapsed;
        TimeSpan deadline = started + timeout;
        try
        {
            while (!cancellationToken.IsCancellationRequested && clock.Elapsed < deadline)
            {
                ulong now = (ulong)clock.ElapsedMilliseconds;
                ClientEvents events = _session.Poll(now);
                if ((events & ClientEvents.SessionAborted) != 0) _aborted++;
                if ((events & ClientEvents.SessionLost) != 0) _lost++;
                if ((events & ClientEvents.Joined) != 0) _joins++;
                if ((events & ClientEvents.ImageVerified) != 0) WriteImage(now);
                if (_session.State == ClientState.Finished) break;
                if ((events & ClientEvents.FragmentsReceived) == 0) _transport.WaitForData(TimeSpan.FromMilliseconds(2));
            }
            return Report(clock.Elapsed - started);
        }
        finally
        {
            _transport.Dispose();
        }
    }

    // The "flash write" of a simulated machine: the verified image goes to a file, then RESULT success.
    private void WriteImage(ulong now)
    {
        ReadOnlySpan<byte> image = _session.VerifiedImage;
        _imageSha = Convert.ToHexStringLower(SHA256.HashData(image));
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
            faults?.Dropped ?? 0, faults?.Corrupted ?? 0, faults?.Duplicated ?? 0, faults?.Reordered ?? 0);
    }
}
