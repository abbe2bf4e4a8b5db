using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;
using UefiRecovery.Efi.Services.Bmc;
using UefiRecovery.Efi.Services.Storage;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// <c>uefirecovery.mode=auto|recover</c>: the pre-flight (<see cref="RecoveryPreflight"/>) judges the firmware
/// region; a valid region in auto mode is handed over (<see cref="NextLoader"/>). Otherwise, this file: bring
/// the network up, fetch the image from the manager with the protocol's client engine, verify the WHOLE
/// capsule, and only then write the payload through FVB (marker in-progress, erase, write, read back and
/// compare every block, marker complete), report the RESULT, and reset. The lines it prints, and their
/// grammar, are <see cref="RecoveryConsole"/>'s.
/// </summary>
internal sealed class RecoveryRun
{
    private const int MaxAttempts = 3;
    private const int ProgressIntervalMs = 1000;

    /// <summary>Room for the capsule around the region image (headers, signature, dependency).</summary>
    private const uint CapsuleOverhead = 64 * 1024;

    /// <summary>Without <c>uefirecovery.timeout.recovery</c>, how long an instructed boot waits for a verified image.</summary>
    private const uint InstructedTimeoutSeconds = 900;

    // The file and http sources' buffer, allocated on first use (the donors path has the client engine's).
    private byte[]? _fileImage;
    private HttpImageFetch? _http;

    private readonly RecoveryConsole _lines;
    private readonly UefiSystemTable _system;
    private readonly UefiBootServices _boot;
    private readonly UefiTextInput _keys;
    private InstructedBoot? _instructed;

    private RecoveryRun(UefiSystemTable system)
    {
        _lines = new RecoveryConsole(system.ConsoleOut);
        _system = system;
        _boot = system.BootServices;
        _keys = system.ConsoleIn;
    }

    /// <returns>The machine exit code (Success when recovered, or when the region is valid and nothing was to be done).</returns>
    public static int Run(UefiSystemTable system, RecoveryConfig config, bool forced, out bool resetWanted) =>
        new RecoveryRun(system).Run(config, forced, out resetWanted);

    private int Run(RecoveryConfig config, bool forced, out bool resetWanted)
    {
        // An instruction the agent left (docs/protocol.md §4.11): a valid one recovers even a valid region.
        _instructed = InstructedBoot.Read(_system, config, _lines);
        int code = RunChecked(config, forced || _instructed.IsValid, out resetWanted);
        // BootNext brought this boot here: reset, so BootOrder boots the OS again (a returning BootNext boot opens
        // EDK2's boot-manager menu instead). Not when the variable stayed: that reset would come back here forever.
        if (_instructed.Present && _instructed.Removed)
            resetWanted = true;
        return code;
    }

    private int RunChecked(RecoveryConfig config, bool forced, out bool resetWanted)
    {
        resetWanted = false;
        _lines.Begin(forced);
        PreflightResult preflight = RecoveryPreflight.Check(_lines, _boot, config, forced, out UefiFirmwareVolumeBlock fvb);
        using (fvb)
        {
            if (preflight.Outcome == PreflightOutcome.Failed)
                return MachineExitCodes.Failure;
            if (preflight.Outcome == PreflightOutcome.RegionValid)
            {
                _lines.FirmwareValid();
                NextLoader.HandOver(_lines.Console, _boot, config.Target);
                return MachineExitCodes.Success;
            }
            return Recover(preflight, config, out resetWanted);
        }
    }

    /// <summary>
    /// Each <c>uefirecovery.source</c> in order (docs/config.md; default: donors): a file or BMC source that is missing, too
    /// large or refused by verification is reported and the next one tried; donors is always the last. An instructed
    /// boot asks the instruction's managers (donors) whatever the list says.
    /// </summary>
    private int Recover(in PreflightResult ready, RecoveryConfig config, out bool resetWanted)
    {
        resetWanted = false;
        if (!MonotonicClock.Start(_boot))
        {
            _lines.Failed("no-timer");
            return MachineExitCodes.Failure;
        }
        RecoverySources sources = config.Sources;
        int code = MachineExitCodes.Failure;
        bool donorsTried = false;
        for (int s = 0; s < sources.Count && !resetWanted; s++)
        {
            if (sources.GetKind(s) == RecoverySourceKind.File && !_instructed!.IsValid)
            {
                code = RecoverFromFile(ready, config, sources.GetPath(s), quietWhenMissing: false, out resetWanted);
                continue;
            }
            if (sources.GetKind(s) == RecoverySourceKind.Bmc && !_instructed!.IsValid)
            {
                code = RecoverFromBmc(ready, config, out resetWanted);
                continue;
            }
            if (sources.GetKind(s) == RecoverySourceKind.Http && !_instructed!.IsValid)
            {
                code = RecoverFromHttp(ready, config, sources.GetPath(s), out resetWanted);
                continue;
            }
            if (sources.GetKind(s) == RecoverySourceKind.Donors || _instructed!.IsValid)
            {
                code = RecoverFromDonors(ready, config, out resetWanted);
                donorsTried = true;
                break;
            }
        }
        if (!resetWanted && !donorsTried && config.VolumeWaitSeconds > 0 && HasFileSource(sources) && !_instructed!.IsValid)
            code = WaitForVolume(ready, config, out resetWanted);
        if (!resetWanted && !donorsTried)
            _lines.Failed("no-image");
        MonotonicClock.Stop();
        return code;
    }

    private static bool HasFileSource(RecoverySources sources)
    {
        for (int s = 0; s < sources.Count; s++)
            if (sources.GetKind(s) == RecoverySourceKind.File)
                return true;
        return false;
    }

    /// <summary>Time between two looks at the file sources while waiting for a volume, for volumes whose arrival was not signalled.</summary>
    private const long VolumeRescanMs = 5_000;

    /// <summary>
    /// Every file source came up empty and no donors follow (the network is not the fallback): watch for a new volume
    /// (a USB stick plugged in now, connected by the firmware's USB bus driver) and look at the file sources again on
    /// each arrival and every <see cref="VolumeRescanMs"/>, until <c>uefirecovery.timeout.volume-wait</c> runs out.
    /// </summary>
    private int WaitForVolume(in PreflightResult ready, RecoveryConfig config, out bool wroteFlash)
    {
        wroteFlash = false;
        var watch = FileSystemVolumes.WatchArrivals(_boot);
        _lines.VolumeWait(config.VolumeWaitSeconds, watch.IsWatching);
        RecoverySources sources = config.Sources;
        int code = MachineExitCodes.Failure;
        long start = MonotonicClock.Now.Milliseconds;
        long deadline = start + (long)config.VolumeWaitSeconds * 1000;
        long nextRescan = start + VolumeRescanMs;
        for (long now = start; now < deadline && !wroteFlash; now = MonotonicClock.Now.Milliseconds)
        {
            bool arrival = watch.TakeArrival();
            if (!arrival && now < nextRescan)
            {
                MonotonicClock.WaitForTick();
                continue;
            }
            nextRescan = now + VolumeRescanMs;
            using (HandleBuffer volumes = FileSystemVolumes.LocateHandles(_boot))
                _lines.VolumeRescan(arrival, now - start, volumes.Handles.Length);
            for (int s = 0; s < sources.Count && !wroteFlash; s++)
            {
                if (sources.GetKind(s) == RecoverySourceKind.File)
                    code = RecoverFromFile(ready, config, sources.GetPath(s), quietWhenMissing: true, out wroteFlash);
            }
        }
        watch.Stop();
        return code;
    }

    /// <summary>
    /// A capsule file (<c>file:\\path</c>) from every volume that has the path, in handle order, until one verifies: read
    /// whole, verified like a donor's, then written. A refused, oversized or unreadable copy sends it to the next volume.
    /// </summary>
    private int RecoverFromFile(in PreflightResult ready, RecoveryConfig config, ReadOnlySpan<char> path, bool quietWhenMissing, out bool wroteFlash)
    {
        wroteFlash = false;
        if (!quietWhenMissing)
            _lines.Phase("file");
        ulong regionSize = (ulong)ready.Region.BlockSize * (ulong)ready.Region.BlockCount;
        _fileImage ??= new byte[(int)regionSize + (int)CapsuleOverhead];
        for (int first = 0; ; )
        {
            long start = MonotonicClock.Now.Milliseconds;
            VolumeFileStatus read = VolumeFileReader.TryRead(_boot, path, first, _fileImage, out int size, out int volume, out int volumes, out EfiStatus status);
            long readMs = MonotonicClock.Now.Milliseconds - start;
            if (read == VolumeFileStatus.NotFound)
            {
                if (first == 0 && !quietWhenMissing)
                    _lines.SourceSkipped(path, read, volumes, status);
                return MachineExitCodes.Failure;
            }
            first = volume + 1;
            if (read != VolumeFileStatus.Read)
            {
                _lines.SourceSkipped(path, read, volumes, status);
                continue;
            }
            _lines.SourceRead(path, volume, volumes, size, readMs);
            ReadOnlySpan<byte> capsuleBytes = new ReadOnlySpan<byte>(_fileImage, 0, size);
            CapsuleVerdict verdict = new CapsuleVerifier(ready.Trust!).Verify(capsuleBytes, TargetFor(config, ready.Region), out _);
            if (!verdict.IsAccepted)
            {
                _lines.SourceRejected(path, verdict.Status);
                continue;
            }
            return WriteAndReport(capsuleBytes, ready, config, out wroteFlash);
        }
    }

    /// <summary>
    /// A capsule from a web server (<c>http://A.B.C.D[:port]/path</c>, docs/http-source.md): fetched whole into the buffer,
    /// then verified and written exactly like a file's. A failed fetch or a refused capsule sends recovery to the next source.
    /// </summary>
    private int RecoverFromHttp(in PreflightResult ready, RecoveryConfig config, ReadOnlySpan<char> url, out bool wroteFlash)
    {
        wroteFlash = false;
        _lines.Phase("http");
        ulong regionSize = (ulong)ready.Region.BlockSize * (ulong)ready.Region.BlockCount;
        _fileImage ??= new byte[(int)regionSize + (int)CapsuleOverhead];
        _http ??= new HttpImageFetch();
        HttpFetchOutcome outcome = _http.Fetch(_boot, _lines, config, url, _fileImage);
        UefiRecovery.Core.Http.HttpResponseReader response = _http.Response;
        if (outcome != HttpFetchOutcome.Received)
        {
            _lines.HttpSkipped(url, HttpOutcomeName(outcome, response), response.StatusCode, response.Location, response.BodyLength, _http.TransferMs);
            return MachineExitCodes.Failure;
        }
        _lines.HttpRead(url, response.BodyLength, response.DeclaredLength, _http.TransferMs);
        ReadOnlySpan<byte> capsuleBytes = new ReadOnlySpan<byte>(_fileImage, 0, response.BodyLength);
        CapsuleVerdict verdict = new CapsuleVerifier(ready.Trust!).Verify(capsuleBytes, TargetFor(config, ready.Region), out _);
        if (!verdict.IsAccepted)
        {
            _lines.SourceRejected("http url=", url, verdict.Status);
            return MachineExitCodes.Failure;
        }
        return WriteAndReport(capsuleBytes, ready, config, out wroteFlash);
    }

    /// <summary>
    /// The image the BMC holds (blob /recovery/image, docs/bmc.md): Stat (and its claimed image type and version judged
    /// like an OFFER), then read whole over IPMI BLOB into the file source's buffer, verified exactly like a donor's or a
    /// file's, and only then written. No BMC, no committed image, an image larger than the region's capsule, a refused
    /// claim or a refused image: reported, nothing written, the next source tried.
    /// </summary>
    private int RecoverFromBmc(in PreflightResult ready, RecoveryConfig config, out bool wroteFlash)
    {
        wroteFlash = false;
        _lines.Phase("bmc");
        IpmiClient? ipmi = BmcConnection.TryOpen(_system, out ulong port, out string absentReason, out _);
        if (ipmi == null)
        {
            _lines.BmcSkipped(absentReason);
            return MachineExitCodes.Failure;
        }
        ulong regionSize = (ulong)ready.Region.BlockSize * (ulong)ready.Region.BlockCount;
        _fileImage ??= new byte[(int)regionSize + (int)CapsuleOverhead];
        var client = new BlobClient(ipmi);
        var download = new BlobDownload(client);
        BlobDownloadStatus read = download.Query(BmcDonor.ImageBlobId, _fileImage.Length);
        if (read != BlobDownloadStatus.Read)
        {
            _lines.BmcNotRead(BmcDonor.ImageBlobIdText, read, download, client);
            return MachineExitCodes.Failure;
        }
        // The BMC's claim (Stat metadata: image type, version) judged like a network OFFER before minutes of reading.
        BmcImageOfferStatus offer = BmcImageOffer.Judge(client.LastMetadata, config.Target.ImageType, config.Target.LowestSupportedVersion,
            out EfiGuid offeredType, out uint offeredVersion);
        _lines.BmcOffer(BmcDonor.ImageBlobIdText, offer, download.Stat.Size, offeredType, offeredVersion);
        if (offer == BmcImageOfferStatus.WrongImageType || offer == BmcImageOfferStatus.BelowFloor)
            return MachineExitCodes.Failure;
        long start = MonotonicClock.Now.Milliseconds;
        read = download.ReadQueried(BmcDonor.ImageBlobId, _fileImage, out int size);
        long readMs = MonotonicClock.Now.Milliseconds - start;
        if (read != BlobDownloadStatus.Read)
        {
            _lines.BmcNotRead(BmcDonor.ImageBlobIdText, read, download, client);
            return MachineExitCodes.Failure;
        }
        _lines.BmcRead(BmcDonor.ImageBlobIdText, port, size, download.Reads, readMs, ipmi.BytesTransferred, client.CommandsRetried + ipmi.CommandsRetried);
        ReadOnlySpan<byte> capsuleBytes = new ReadOnlySpan<byte>(_fileImage, 0, size);
        CapsuleVerdict verdict = new CapsuleVerifier(ready.Trust!).Verify(capsuleBytes, TargetFor(config, ready.Region), out _);
        if (!verdict.IsAccepted)
        {
            _lines.BmcRejected(BmcDonor.ImageBlobIdText, verdict.Status);
            return MachineExitCodes.Failure;
        }
        return WriteAndReport(capsuleBytes, ready, config, out wroteFlash);
    }

    /// <summary>A verified capsule from a file or the BMC written (<see cref="WriteVerified"/>), and the DONE line.</summary>
    private int WriteAndReport(ReadOnlySpan<byte> capsuleBytes, in PreflightResult ready, RecoveryConfig config, out bool wroteFlash)
    {
        bool success = WriteVerified(capsuleBytes, config, ready.Region, ready.Flash!, ready.MarkerStore!, ready.Block!, null, 0,
            out wroteFlash, out RecoveryResult recovery, out _, out _);
        if (!wroteFlash)
            return MachineExitCodes.Failure;
        if (success)
            RecoveredThenStage(config);
        else
            _lines.Failed(FirmwareNames.Recovery(recovery.Status));
        return success ? MachineExitCodes.Success : MachineExitCodes.Failure;
    }

    /// <summary>
    /// The recovery's DONE line, then, when the platform turned it on (<c>uefirecovery.bmc-stage=after-recovery</c>, protected)
    /// and the stage list is beside the app, its files to the BMC (seed 004, docs/bmc.md).
    /// The recovery's outcome stands whatever the staging's: the region is already written and verified.
    /// </summary>
    private void RecoveredThenStage(RecoveryConfig config)
    {
        _lines.Recovered();
        if (config.StageToBmcAfterRecovery && BmcStaging.ListPresent(_boot))
            BmcStaging.Run(_system);
    }

    private static string HttpOutcomeName(HttpFetchOutcome outcome, UefiRecovery.Core.Http.HttpResponseReader response) => outcome switch
    {
        HttpFetchOutcome.NoNic => "no-nic",
        HttpFetchOutcome.NoAddress => "no-address",
        HttpFetchOutcome.Refused => "refused",
        HttpFetchOutcome.Reset => "reset",
        HttpFetchOutcome.TimedOut => "timed-out",
        HttpFetchOutcome.Stalled => "stalled",
        HttpFetchOutcome.TooSlow => "too-slow",
        HttpFetchOutcome.RequestTooLong => "request-too-long",
        _ => UefiRecovery.Core.Http.HttpResponseStatusNames.Name(response.Finish()),
    };

    /// <summary>The update target the capsule verifier checks against: the configured type, floor and the region's size.</summary>
    private static UpdateTarget TargetFor(RecoveryConfig config, in RegionTarget region)
    {
        RecoveryTargetConfig targetConfig = config.Target;
        ulong regionSize = (ulong)region.BlockSize * (ulong)region.BlockCount;
        return new UpdateTarget(targetConfig.ImageType, 0, 0, targetConfig.LowestSupportedVersion, 0, regionSize);
    }

    /// <summary>The donors source: the network up, then the recovery protocol (docs/protocol.md).</summary>
    private int RecoverFromDonors(in PreflightResult ready, RecoveryConfig config, out bool resetWanted)
    {
        resetWanted = false;
        _lines.Phase("network");
        _keys.Reset();
        var report = new NicReport(_lines.Console, RecoveryConsole.Tag, verbose: false);
        SnpFrameDevice? device = NetworkBringUp.OpenFirstNic(_boot, report);
        if (device == null)
        {
            _lines.Failed("no-nic");
            return MachineExitCodes.Failure;
        }
        // A reset only follows a write attempt (the firmware must restart from the new region); a failure
        // before that goes back to the firmware instead of resetting into the same failure forever.
        int result = RecoverOverNetwork(device, report, config, ready.Trust!, ready.Region, ready.Flash!, ready.MarkerStore!, ready.Block!,
            out resetWanted);
        device.Close();
        return result;
    }

    private int RecoverOverNetwork(SnpFrameDevice device, NicReport report, RecoveryConfig config, TrustStore trust,
        in RegionTarget region, FvbFlashRegion flash, EspMarkerStore markerStore, byte[] block, out bool wroteFlash)
    {
        wroteFlash = false;
        Interface iface = NetworkBringUp.CreateInterface(device, _boot);
        var transport = new NetstackDatagramTransport(iface, ProtocolConstants.ClientPort, 256, 16);
        // No keyboard: a key press does not end a recovery.
        if (NetworkBringUp.TryConfigureAddress(device, iface, config, _boot, report, default, out DhcpClient? dhcp) != AddressStatus.Configured)
        {
            _lines.Failed("no-address");
            return MachineExitCodes.Failure;
        }

        // DHCP option 43's manager only when no machine-side source set uefirecovery.manager (docs/config.md, order 4).
        if (dhcp != null && dhcp.HasLease && !dhcp.Lease.ManagerAddress.IsUnspecified)
            config.TryApplyDhcpManager(dhcp.Lease.ManagerAddress.Value, dhcp.Lease.ManagerPort);

        InstructedBoot instructed = _instructed!;
        if (instructed.IsValid && !instructed.TryTake(device.MacAddress.Value, _lines))
        {
            _lines.Failed("instruction");
            return MachineExitCodes.Failure;
        }

        RecoveryTargetConfig targetConfig = config.Target;
        ulong regionSize = (ulong)region.BlockSize * (ulong)region.BlockCount;
        var verifier = new CapsuleImageVerifier(trust, TargetFor(config, region));

        var clientConfig = new ClientConfig
        {
            ImageType = ImageTypeId.FromGuid(targetConfig.ImageType),
            LowestAcceptableVersion = targetConfig.LowestSupportedVersion,
            MacAddress = device.MacAddress.Value,
            Ipv4Address = iface.Address.Value,
            // uefirecovery.discovery=manager: no broadcast copy (networks where a machine must not
            // broadcast, and NATs such as QEMU's slirp that answer the copy from an address we drop).
            DiscoverByBroadcast = config.DiscoverByBroadcast,
            ImageCapacity = (uint)regionSize + CapsuleOverhead,
            RandomSeed = EntropySource.DeriveSeed(_boot, device.MacAddress.Value) | 1,
            // uefirecovery.timeout.request-backoff: the cap of the no-offer REQUEST backoff (default 8 s).
            Timings = new ClientTimings { RequestMaxMs = config.RequestBackoffSeconds * 1000 },
        };
        // uefirecovery.trust.manager: only offers signed by one of these keys are taken (docs/protocol.md §6.8).
        for (int k = 0; k < targetConfig.TrustedManagerKeyCount; k++)
            clientConfig.TryAddTrustedManagerKey(targetConfig.GetTrustedManagerKeyHash(k));
        if (instructed.IsValid)
        {
            // The instruction's managers (signed) are asked first and get READINESS (docs/protocol.md §4.12).
            clientConfig.InstructionId = instructed.Instruction.InstructionId;
            clientConfig.SystemUuid = instructed.Uuid;
            clientConfig.Reason = RequestReason.ManagerInstruction;
            for (int m = 0; m < instructed.Instruction.Managers.Count; m++)
                clientConfig.TryAddManager(instructed.Instruction.Managers[m]);
            clientConfig.ReadinessManagerCount = clientConfig.ManagerCount;
        }
        // Every uefirecovery.manager (up to 4, in the order given) is asked; docs/config.md.
        for (int m = 0; m < config.ManagerCount; m++)
            clientConfig.TryAddManager(new DatagramEndpoint(config.GetManagerAddress(m), config.GetManagerPort(m)));
        ClientSetupStatus setup = ClientSession.TryCreate(clientConfig, transport, verifier, out ClientSession? client);
        if (setup != ClientSetupStatus.Ok || client == null || !transport.Bound)
        {
            _lines.Failed("client-setup", (ulong)setup);
            return MachineExitCodes.Failure;
        }
        _lines.Discovering(clientConfig, config);

        var pump = new RecoveryNetworkPump(iface, client, device, transport.Socket);

        // ---- receive until a verified image ----
        long phaseStart = MonotonicClock.Now.Milliseconds;
        long lastProgress = phaseStart;
        long receiveStart = phaseStart;
        long firstOfferAt = -1;
        long firstRequestAt = -1;
        // uefirecovery.timeout.recovery: give up (nothing written, back to the firmware) when no image was verified in time.
        // An instructed boot gives up too (then resets into the OS): its machine was running, and a silent manager must
        // not keep it offline.
        uint timeoutSeconds = config.RecoveryTimeoutSeconds == 0 && instructed.IsValid ? InstructedTimeoutSeconds : config.RecoveryTimeoutSeconds;
        long deadline = timeoutSeconds == 0 ? long.MaxValue : phaseStart + (long)timeoutSeconds * 1000;
        while (true)
        {
            int handled = pump.Pump(out ClientEvents events);
            Instant now = MonotonicClock.Now;
            if (now.Milliseconds >= deadline && (events & ClientEvents.ImageVerified) == 0)
            {
                _lines.FailedDeadline(timeoutSeconds, client);
                return MachineExitCodes.Failure;
            }

            if ((events & ClientEvents.RequestSent) != 0 && firstRequestAt < 0)
                firstRequestAt = now.Milliseconds;
            if ((events & ClientEvents.OfferReceived) != 0 && firstOfferAt < 0)
            {
                // The offer window (docs/protocol.md §6.1) closes T_offer after the discovery's first REQUEST, and at
                // least T_late after the first acceptable OFFER.
                firstOfferAt = now.Milliseconds;
                _lines.Candidate(clientConfig.Timings.OfferWindowMs, config.DiscoverByBroadcast);
            }
            if ((events & ClientEvents.DonorChosen) != 0)
            {
                // Only the choice that closed a window (not the next offer after an ACCEPT timeout).
                if (firstOfferAt >= 0)
                    _lines.Chosen(now.Milliseconds - firstOfferAt, firstRequestAt >= 0 ? now.Milliseconds - firstRequestAt : -1);
                firstOfferAt = -1;
                firstRequestAt = -1;
                _lines.Offer(client.ChosenOffer);
                receiveStart = now.Milliseconds;
            }
            if ((events & ClientEvents.Joined) != 0)
                _lines.Phase("receiving");
            if ((events & ClientEvents.NoDonorYet) != 0)
                _lines.Waiting(client);
            if ((events & (ClientEvents.SessionLost | ClientEvents.SessionAborted | ClientEvents.AcceptTimedOut)) != 0)
            {
                _lines.DiscoveringAgain(events);
                firstRequestAt = -1;
            }
            if ((events & ClientEvents.StatusSent) != 0 && client.State == ClientState.Receiving)
                _lines.Repair(client);
            if ((events & ClientEvents.ImageComplete) != 0)
            {
                // The verifier already ran in this Poll (a rejection has cleared the fragments): all were held.
                _lines.Progress(client, now.Milliseconds - receiveStart, complete: true);
                _lines.Received(client);
                _lines.Fec(client);
                _lines.Phase("verifying");
            }
            if ((events & ClientEvents.ImageRejected) != 0)
                _lines.Rejected(verifier, client.LastVerdict.Reason);
            if ((events & ClientEvents.ImageVerified) != 0)
                break;
            if (client.State == ClientState.Receiving && now.Milliseconds - lastProgress >= ProgressIntervalMs)
            {
                lastProgress = now.Milliseconds;
                _lines.Progress(client, now.Milliseconds - receiveStart, complete: false);
            }
            if (handled == 0 && (events & ClientEvents.FragmentsReceived) == 0)
                MonotonicClock.WaitForTick();
        }

        // ---- verified: the whole capsule passed; now and only now the flash is touched. The network is
        // still served between flash operations, so STATUS_REQUESTs get their COMPLETE answer. ----
        bool success = WriteVerified(client.VerifiedImage, config, region, flash, markerStore, block, pump,
            instructed.IsValid ? instructed.Instruction.InstructionId : 0, out wroteFlash, out RecoveryResult recovery, out ResultReason reason, out uint version);
        if (!wroteFlash)
            return MachineExitCodes.Failure;

        // ---- RESULT until acknowledged (or the engine's retries are spent), still answering STATUS ----
        _lines.Phase("reporting");
        client.ReportOutcome((ulong)MonotonicClock.Now.Milliseconds, success, reason, success ? version : 0);
        while (client.State != ClientState.Finished)
        {
            if (pump.Pump(out _) == 0)
                MonotonicClock.WaitForTick();
        }
        // Let the last queued datagram leave before the NIC is shut down.
        for (int i = 0; i < 20 && transport.Socket.TransmitQueued > 0; i++)
        {
            iface.Poll(MonotonicClock.Now);
            MonotonicClock.WaitForTick();
        }
        // A multicast session's group: leave it (IGMPv2 Leave, RFC 2236 §3), so a snooping switch stops
        // forwarding the group to this port now, not only when the membership times out (260 s).
        OfferMessage chosen = client.ChosenOffer.Offer;
        if (chosen.DeliveryMode == DeliveryMode.Multicast)
            LeaveGroup(iface, device, chosen.DeliveryAddress);
        _lines.Result(success, reason, client.ResultAcknowledged);
        if (success)
            RecoveredThenStage(config);
        else
            _lines.Failed(FirmwareNames.Recovery(recovery.Status));
        return success ? MachineExitCodes.Success : MachineExitCodes.Failure;
    }

    /// <summary>
    /// The verified capsule's payload into the region (marker in-progress, changed blocks with the header block last,
    /// read back, marker complete), the region judged again, and on success the install recorded on the ESP. The same
    /// for every source; <paramref name="pump"/> (donors only) keeps answering the network between erases. Nothing is
    /// written (<paramref name="attempted"/> false) when the verified bytes do not parse: a defect, reported as such.
    /// </summary>
    private bool WriteVerified(ReadOnlySpan<byte> capsuleBytes, RecoveryConfig config, in RegionTarget region, FvbFlashRegion flash,
        EspMarkerStore markerStore, byte[] block, RecoveryNetworkPump? pump, ulong instructionId,
        out bool attempted, out RecoveryResult recovery, out ResultReason reason, out uint version)
    {
        attempted = false;
        recovery = default;
        version = 0;
        CapsuleStatus parsed = CapsuleParser.TryParse(capsuleBytes, out FmpCapsule capsule);
        if (parsed != CapsuleStatus.Ok)
        {
            // The verifier parsed the same bytes; a difference here is a defect, and nothing is written.
            _lines.Failed("capsule-parse", (ulong)(int)parsed);
            reason = ResultReason.MalformedImage;
            return false;
        }
        ReadOnlySpan<byte> payload = capsule.Payload;
        version = capsule.PayloadHeader.FwVersion;
        _lines.Verified(version, payload.Length, capsuleBytes.Length);
        _lines.Writing(region.BlockCount);
        attempted = true;

        // Only the blocks that differ (uefirecovery.flash.write=all: every block), the header block last
        // with its headers right after its erase (docs/firmware-regions.md).
        FlashWriteMode mode = config.FlashWriteAllBlocks ? FlashWriteMode.AllBlocks : FlashWriteMode.ChangedBlocks;
        IFlashRegion target = pump != null ? new ServicedFlashRegion(flash, pump) : flash;
        var writer = new FlashWriter(target, MaxAttempts);
        if (config.DebugLog)
            writer.Progress = new FlashProgressLines(_lines.Console);
        long writeStart = MonotonicClock.Now.Milliseconds;
        recovery = RegionRecovery.Run(writer, new ReportingMarkerStore(markerStore, _lines.Console), region, payload, mode, HeaderBlockPolicy.KeepBootable);
        long writeMs = MonotonicClock.Now.Milliseconds - writeStart;
        _lines.Write(recovery);
        _lines.WriteDetail(mode, recovery.Write, writeMs, writer.RegionDigest);
        RegionVerdict after = RegionValidator.Validate(flash, region, markerStore.Read(), block);
        _lines.Region(after, markerStore.Read(), true);
        bool success = recovery.Status == RecoveryStatus.Recovered && after.IsValid;
        reason = success ? ResultReason.None : FailureReason(recovery, after);
        // For the OS: the agent reports what was installed once the OS is back (docs/protocol.md §4.13).
        if (success)
            _lines.Installed(InstalledRecord.TryWrite(_boot, version, instructionId, writer.RegionDigest));
        return success;
    }

    /// <summary>
    /// Sends the IGMPv2 Leave for <paramref name="group"/> with a free TX buffer (the RESULT's frames may still
    /// hold them all), and waits until the NIC has sent it: a reset right after would otherwise lose it.
    /// </summary>
    private void LeaveGroup(Interface iface, SnpFrameDevice device, uint group)
    {
        for (int i = 0; i < 50 && device.InFlightCount > 0; i++)
        {
            device.Recycle();
            MonotonicClock.WaitForTick();
        }
        var address = new UefiRecovery.Netstack.Wire.Ipv4Address(group);
        // False: no TX buffer for the Leave (membership kept), so free the NIC's buffers once more and retry.
        bool sent = iface.TryLeaveMulticastGroup(address);
        if (!sent)
        {
            device.Recycle();
            MonotonicClock.WaitForTick();
            sent = iface.TryLeaveMulticastGroup(address);
        }
        for (int i = 0; i < 50 && device.InFlightCount > 0; i++)
        {
            device.Recycle();
            MonotonicClock.WaitForTick();
        }
        _lines.LeftGroup(group, sent);
    }

    /// <summary>
    /// After a recovery attempt: a cold reset so the firmware starts from the rewritten region (QEMU with
    /// -no-reboot then exits); with <c>uefirecovery.debugexit=1</c> the debug-exit port carries the code instead.
    /// </summary>
    public static void ResetAfterRecovery(UefiSystemTable system, int code, bool debugExit)
    {
        if (debugExit)
            Internal.Runtime.EfiRuntime.Exit(code);
        system.RuntimeServices.ResetSystem(ResetType.Cold, code == MachineExitCodes.Success ? EfiStatus.Success : EfiStatus.Aborted);
    }

    private static ResultReason FailureReason(in RecoveryResult recovery, in RegionVerdict after)
    {
        switch (recovery.Status)
        {
            case RecoveryStatus.ImageNotValidForTarget:
                return ResultReason.WrongPlatform;
            case RecoveryStatus.WriteFailed:
                FlashWriteStatus status = recovery.Write.Status;
                if (status == FlashWriteStatus.EraseFailed) return ResultReason.FlashEraseFailed;
                if (status == FlashWriteStatus.VerifyFailed) return ResultReason.ReadbackMismatch;
                return ResultReason.FlashWriteFailed;
            case RecoveryStatus.Recovered:
                return after.IsValid ? ResultReason.None : ResultReason.FirmwareInvalidAfterUpdate;
            default:
                return ResultReason.Other;
        }
    }
}
