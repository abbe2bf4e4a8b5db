using System;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Firmware;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Efi.Services.Console;
using UefiRecovery.Efi.Services.Machine;
using UefiRecovery.Efi.Services.Firmware;
using UefiRecovery.Efi.Services.Network;
using UefiRecovery.Efi.Services.Config;
using UefiRecovery.Efi.Services.Entropy;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// <c>uefirecovery.mode=auto|recover</c>: judge the firmware region (fvb's validity rule); when it is
/// invalid, or recovery is forced, bring the network up, fetch the image from the manager with the
/// protocol's client engine, verify the WHOLE capsule, and only then write the payload through FVB
/// (marker in-progress, erase, write, read back and compare every block, marker complete), report the
/// RESULT, and reset. A valid region in auto mode is handed back to the firmware.
/// Console lines (ConOut, which OVMF mirrors on serial), all CR LF:
///   RECOVERY BEGIN mode=auto|recover
///   RECOVERY REGION verdict=valid|invalid reason=.. message=".." marker=..
///   FIRMWARE VALID                                  (auto, valid region: back to the firmware)
///   RECOVERY HANDOVER boot-manager | next=PATH [returned status=.. | failed step=load|start status=.. (..)]
///   RECOVERY PHASE network|discovering|receiving|verifying|writing|reporting
///   RECOVERY OFFER donor=.. image=0x.. version=0x.. size=.. mode=..
///   RECOVERY PROGRESS bytes=N of M rate=K KiB/s round=R [#####.....]   (R = STATUS messages sent so far)
///   RECOVERY REPAIR status=R held=H of C corrupted=K forged=F           (each NACKing STATUS: a repair round)
///   RECOVERY RECEIVED fragments=N corrupted=C forged=F duplicates=D unauthenticated-offers=U signature-checks=S stalled=L
///   RECOVERY REJECTED code=.. reason=.. message=".." result-reason=..   (image refused, next donor)
///   RECOVERY VERIFIED version=0x.. payload=N
///   RECOVERY FVB call=open|get-block-size|get-attributes|get-physical-address status=0x.. injected=yes|no   (then DONE failed)
///   RECOVERY WRITE recovery=.. result=.. written=.. erases=.. retries=..
///   RECOVERY WRITE-DETAIL mode=changed|all skipped=.. in-place=.. bytes=.. header-erased=yes|no ms=.. region-sha256=<64 hex>
///   FLASH block=N action=.. begin | result=.. attempts=N                (uefirecovery.log=debug, each block written)
///   RECOVERY MULTICAST left group=.. leave=sent|not-sent   (multicast session: IGMPv2 Leave)
///   RECOVERY RESULT outcome=success|failure reason=.. acked=yes|no
///   RECOVERY DONE verdict=recovered|failed reason=..
/// </summary>
internal sealed class RecoveryRun
{
    private const string Tag = "RECOVERY";
    private const int MaxAttempts = 3;
    private const int ProgressIntervalMs = 1000;
    private const int BarWidth = 30;

    /// <summary>EFI_FVB2_WRITE_STATUS (PI 1.7 vol. 3 §3.2.1.1): writes are enabled.</summary>
    private const uint WriteStatusAttribute = 0x0000_0020;

    /// <summary>Room for the capsule around the region image (headers, signature, dependency).</summary>
    private const uint CapsuleOverhead = 64 * 1024;

    private readonly UefiConsole _console;
    private readonly UefiBootServices _boot;
    private readonly UefiTextInput _keys;

    private RecoveryRun(UefiSystemTable system)
    {
        _console = system.ConsoleOut;
        _boot = system.BootServices;
        _keys = system.ConsoleIn;
    }

    /// <returns>The machine exit code (Success when recovered, or when the region is valid and nothing was to be done).</returns>
    public static int Run(UefiSystemTable system, RecoveryConfig config, bool forced, out bool resetWanted) =>
        new RecoveryRun(system).Run(config, forced, out resetWanted);

    private int Run(RecoveryConfig config, bool forced, out bool resetWanted)
    {
        resetWanted = false;
        UefiBootServices services = _boot;
        Span<char> line = stackalloc char[256];
        new ConsoleLine(line).Append("RECOVERY BEGIN mode=").Append(forced ? "recover" : "auto").WriteLine(_console);

        RecoveryTargetConfig targetConfig = config.Target;
        // Fail closed: a protected value a trusted source gave but that was refused (already printed as
        // CONFIG rejected) would leave its default in force, e.g. a refused lsv would remove the rollback floor.
        if (config.ProtectedKeyRejected)
        {
            new ConsoleLine(line).Append("RECOVERY CONFIG protected key rejected key=")
                .Append(ConfigKeyNames.Name(config.FirstRejectedProtectedKey).AsSpan(ConfigKeyNames.Prefix.Length))
                .Append(" count=").AppendDecimal((ulong)config.ProtectedRejections)
                .Append(" reason=\"").Append(config.FirstProtectedRejectionReason).Append("\"").WriteLine(_console);
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=config").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        // A combination TryValidate refuses was already printed when the sources were resolved (CONFIG rejected combination).
        if (!config.TryValidate(out _))
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=config").WriteLine(_console);
            return MachineExitCodes.Failure;
        }

        // The boot manager's 5-minute watchdog would reset the machine in the middle of a transfer.
        _boot.DisableWatchdog();
        // The region the target map (uefirecovery.target, default OVMF's NV store) gives for the image type.
        if (!config.TrySelectRegion(out RegionTarget region, out ulong regionBase, out string noTarget))
        {
            new ConsoleLine(line).Append("RECOVERY REGION verdict=invalid reason=no-target message=\"").Append(noTarget).Append("\"")
                .WriteLine(_console);
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-target").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        EspMarkerStore? markerStore = EspMarkerStore.Open(services);
        RecoveryMarkerState marker = markerStore != null ? markerStore.Read() : RecoveryMarkerState.Absent;

        using HandleBuffer handles = UefiFirmwareVolumeBlock.LocateHandles(services);
        int index = handles.IsSuccess ? RegionLocator.Find(services, handles.Handles, region, regionBase) : -1;
        if (index < 0)
        {
            new ConsoleLine(line).Append("RECOVERY REGION verdict=invalid reason=not-found message=\"no FVB instance carries the configured FV\"")
                .WriteLine(_console);
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=region-not-found").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        // Every FVB call's result is checked before anything is erased; uefirecovery.test.fvb-fail (test only,
        // protected sources) makes one of them fail on purpose.
        FvbTestFault fault = config.TestFvbFault;
        using UefiFirmwareVolumeBlock fvb = UefiFirmwareVolumeBlock.Open(services, handles.Handles[index], out EfiStatus openStatus);
        if (!fvb.IsOpen || fault == FvbTestFault.Open)
            return FvbCallFailed(line, FvbTestFault.Open, fvb.IsOpen ? EfiStatus.DeviceError : openStatus, fault == FvbTestFault.Open);
        EfiResult<FvbBlockRun> blockSize = fault == FvbTestFault.GetBlockSize ? EfiResult<FvbBlockRun>.Failure(EfiStatus.DeviceError) : fvb.GetBlockSize(0);
        if (!blockSize.TryGetValue(out FvbBlockRun run))
            return FvbCallFailed(line, FvbTestFault.GetBlockSize, blockSize.Status, fault == FvbTestFault.GetBlockSize);
        var flash = new FvbFlashRegion(fvb, (int)Math.Min((ulong)run.BlockSize, int.MaxValue), (int)Math.Min((ulong)run.NumberOfBlocks, int.MaxValue));
        byte[] block = new byte[Math.Max(flash.BlockSize, 1)];
        RegionVerdict verdict = RegionValidator.Validate(flash, region, marker, block);
        PrintRegion(line, verdict, marker, markerStore != null);

        if (verdict.IsValid && !forced)
        {
            new ConsoleLine(line).Append("FIRMWARE VALID").WriteLine(_console);
            NextLoader.HandOver(_console, _boot, targetConfig);
            return MachineExitCodes.Success;
        }

        // Never "recover" a region whose writes cannot land: write-disabled, or a RAM copy of the FV
        // (the same rule as fvbcheck's restore-selftest, docs/firmware-regions.md).
        EfiResult<uint> attributeResult = fault == FvbTestFault.GetAttributes ? EfiResult<uint>.Failure(EfiStatus.DeviceError) : fvb.GetAttributes();
        if (!attributeResult.TryGetValue(out uint attributes))
            return FvbCallFailed(line, FvbTestFault.GetAttributes, attributeResult.Status, fault == FvbTestFault.GetAttributes);
        // EFI_UNSUPPORTED is the spec's answer for a volume that is not memory-mapped: backing unknown, as fvbcheck says.
        EfiResult<ulong> addressResult = fault == FvbTestFault.GetPhysicalAddress ? EfiResult<ulong>.Failure(EfiStatus.DeviceError) : fvb.GetPhysicalAddress();
        if (!addressResult.IsSuccess && addressResult.Status != EfiStatus.Unsupported)
            return FvbCallFailed(line, FvbTestFault.GetPhysicalAddress, addressResult.Status, fault == FvbTestFault.GetPhysicalAddress);
        ulong baseAddress = addressResult.TryGetValue(out ulong fvbBase) ? fvbBase : 0;
        FvbBacking backing = baseAddress == 0 ? FvbBacking.Unknown : MemoryMapProbe.Classify(_boot, baseAddress, out _, out _);
        string? notWritable = (attributes & WriteStatusAttribute) == 0 ? "write-disabled" : backing == FvbBacking.Ram ? "ram-backed-emulation" : null;

        if (notWritable != null)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=").Append(notWritable).WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        if (markerStore == null)
        {
            // RegionRecovery never writes without a place to record "in progress" outside the region.
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-marker-store").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        // The machine's Root of Trust for Update (SP 800-147 2-B): every configured key hash and every root
        // certificate whose file matched its pin at start-up (ConfigResolution), nothing else.
        var trust = new TrustStore(RecoveryTargetConfig.MaxTrustedKeys, RecoveryTargetConfig.MaxRootCertificates, ConfigResolution.RootCertificatePoolBytes);
        for (int i = 0; i < targetConfig.TrustedKeyCount; i++)
            trust.TryAddKeyHash(targetConfig.GetTrustedKeyHash(i));
        ConfigResolution.AddRootCertificatesTo(trust);
        PrintTrust(line, trust, targetConfig);
        if (targetConfig.ImageType.IsZero || trust.KeyHashCount + trust.RootCertificateCount == 0)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-image-type-or-trusted-key").WriteLine(_console);
            return MachineExitCodes.Failure;
        }

        new ConsoleLine(line).Append("RECOVERY PHASE network").WriteLine(_console);
        _keys.Reset();
        if (!MonotonicClock.Start(_boot))
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-timer").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        var report = new NicReport(_console, Tag, verbose: false);
        SnpFrameDevice? device = NetworkBringUp.OpenFirstNic(_boot, report);
        if (device == null)
        {
            MonotonicClock.Stop();
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-nic").WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        // A reset only follows a write attempt (the firmware must restart from the new region); a failure
        // before that goes back to the firmware instead of resetting into the same failure forever.
        int result = RecoverOverNetwork(device, report, config, trust, region, flash, markerStore, block, out resetWanted);
        device.Close();
        MonotonicClock.Stop();
        return result;
    }

    private int RecoverOverNetwork(SnpFrameDevice device, NicReport report, RecoveryConfig config, TrustStore trust,
        in RegionTarget region, FvbFlashRegion flash, EspMarkerStore markerStore, byte[] block, out bool wroteFlash)
    {
        wroteFlash = false;
        Span<char> line = stackalloc char[256];
        Span<char> a = stackalloc char[24];
        Interface iface = NetworkBringUp.CreateInterface(device, _boot);
        var transport = new NetstackDatagramTransport(iface, ProtocolConstants.ClientPort, 256, 16);
        // No keyboard: a key press does not end a recovery.
        if (NetworkBringUp.TryConfigureAddress(device, iface, config, _boot, report, default, out DhcpClient? dhcp) != AddressStatus.Configured)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-address").WriteLine(_console);
            return MachineExitCodes.Failure;
        }

        // DHCP option 43's manager only when no machine-side source set uefirecovery.manager (docs/config.md, order 4).
        if (dhcp != null && dhcp.HasLease && !dhcp.Lease.ManagerAddress.IsUnspecified)
            config.TryApplyDhcpManager(dhcp.Lease.ManagerAddress.Value, dhcp.Lease.ManagerPort);

        RecoveryTargetConfig targetConfig = config.Target;
        ulong regionSize = (ulong)region.BlockSize * (ulong)region.BlockCount;
        var target = new UpdateTarget(targetConfig.ImageType, 0, 0, targetConfig.LowestSupportedVersion, 0, regionSize);
        var verifier = new CapsuleImageVerifier(trust, target);

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
        // Every uefirecovery.manager (up to 4, in the order given) is asked; docs/config.md.
        for (int m = 0; m < config.ManagerCount; m++)
            clientConfig.TryAddManager(new DatagramEndpoint(config.GetManagerAddress(m), config.GetManagerPort(m)));
        ClientSetupStatus setup = ClientSession.TryCreate(clientConfig, transport, verifier, out ClientSession? client);
        if (setup != ClientSetupStatus.Ok || client == null || !transport.Bound)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=client-setup status=").AppendDecimal((ulong)setup).WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        var discovering = new ConsoleLine(line).Append("RECOVERY PHASE discovering manager=");
        if (clientConfig.ManagerCount == 0)
            discovering = discovering.Append("none:").AppendDecimal((ulong)config.ManagerPort);
        for (int m = 0; m < clientConfig.ManagerCount; m++)
        {
            DatagramEndpoint manager = clientConfig.GetManager(m);
            discovering = discovering.Append(m == 0 ? "" : ",").Append(NetText.Ipv4(manager.Address, a)).Append(":").AppendDecimal((ulong)manager.Port);
        }
        discovering = discovering.Append(" broadcast=").Append(config.DiscoverByBroadcast ? "yes" : "no")
            .Append(" backoff-max=").AppendDecimal((ulong)config.RequestBackoffSeconds).Append("s deadline=");
        discovering = config.RecoveryTimeoutSeconds == 0 ? discovering.Append("none") : discovering.AppendDecimal((ulong)config.RecoveryTimeoutSeconds).Append("s");
        discovering.WriteLine(_console);

        var pump = new RecoveryNetworkPump(iface, client, device, transport.Socket);

        // ---- receive until a verified image ----
        long phaseStart = MonotonicClock.Now.Milliseconds;
        long lastProgress = phaseStart;
        long receiveStart = phaseStart;
        long firstOfferAt = -1;
        // uefirecovery.timeout.recovery: give up (nothing written, back to the firmware) when no image was verified in time.
        long deadline = config.RecoveryTimeoutSeconds == 0 ? long.MaxValue : phaseStart + (long)config.RecoveryTimeoutSeconds * 1000;
        while (true)
        {
            int handled = pump.Pump(out ClientEvents events);
            Instant now = MonotonicClock.Now;
            if (now.Milliseconds >= deadline && (events & ClientEvents.ImageVerified) == 0)
            {
                new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=deadline seconds=")
                    .AppendDecimal((ulong)config.RecoveryTimeoutSeconds).Append(" requests=").AppendDecimal((ulong)client.RequestsSent)
                    .Append(" held=").AppendDecimal((ulong)client.FragmentsHeld).WriteLine(_console);
                return MachineExitCodes.Failure;
            }

            if ((events & ClientEvents.OfferReceived) != 0 && firstOfferAt < 0)
            {
                // The offer window (docs/protocol.md §6.1) runs from the first acceptable OFFER.
                firstOfferAt = now.Milliseconds;
                new ConsoleLine(line).Append("RECOVERY CANDIDATE first offer window-ms=").AppendDecimal((ulong)clientConfig.Timings.OfferWindowMs)
                    .Append(" early-close=").Append(config.DiscoverByBroadcast ? "no" : "yes").WriteLine(_console);
            }
            if ((events & ClientEvents.DonorChosen) != 0)
            {
                // Only the choice that closed a window (not the next offer after an ACCEPT timeout).
                if (firstOfferAt >= 0)
                    new ConsoleLine(line).Append("RECOVERY CHOSEN after-first-offer-ms=").AppendDecimal((ulong)(now.Milliseconds - firstOfferAt)).WriteLine(_console);
                firstOfferAt = -1;
                PrintOffer(line, a, client.ChosenOffer);
                receiveStart = now.Milliseconds;
            }
            if ((events & ClientEvents.Joined) != 0)
                new ConsoleLine(line).Append("RECOVERY PHASE receiving").WriteLine(_console);
            if ((events & ClientEvents.NoDonorYet) != 0)
                new ConsoleLine(line).Append("RECOVERY WAITING no offer yet requests=").AppendDecimal((ulong)client.RequestsSent).WriteLine(_console);
            if ((events & (ClientEvents.SessionLost | ClientEvents.SessionAborted | ClientEvents.AcceptTimedOut)) != 0)
                new ConsoleLine(line).Append("RECOVERY PHASE discovering reason=")
                    .Append((events & ClientEvents.SessionAborted) != 0 ? "aborted" : (events & ClientEvents.SessionLost) != 0 ? "session-lost" : "accept-timeout")
                    .WriteLine(_console);
            if ((events & ClientEvents.StatusSent) != 0 && client.State == ClientState.Receiving)
            {
                // A STATUS that NACKs fragments: the donor's next pass repairs them (one repair round).
                new ConsoleLine(line).Append("RECOVERY REPAIR status=").AppendDecimal((ulong)client.StatusesSent)
                    .Append(" held=").AppendDecimal((ulong)client.FragmentsHeld).Append(" of ").AppendDecimal((ulong)client.FragmentCount)
                    .Append(" corrupted=").AppendDecimal((ulong)client.CorruptedFragments)
                    .Append(" forged=").AppendDecimal((ulong)client.ForgedFragments).WriteLine(_console);
            }
            if ((events & ClientEvents.ImageComplete) != 0)
            {
                // The verifier already ran in this Poll (a rejection has cleared the fragments): all were held.
                PrintProgress(line, client, now.Milliseconds - receiveStart, complete: true);
                PrintReceived(line, client);
                new ConsoleLine(line).Append("RECOVERY PHASE verifying").WriteLine(_console);
            }
            if ((events & ClientEvents.ImageRejected) != 0)
                PrintRejection(line, verifier, client.LastVerdict.Reason);
            if ((events & ClientEvents.ImageVerified) != 0)
                break;
            if (client.State == ClientState.Receiving && now.Milliseconds - lastProgress >= ProgressIntervalMs)
            {
                lastProgress = now.Milliseconds;
                PrintProgress(line, client, now.Milliseconds - receiveStart, complete: false);
            }
            if (handled == 0 && (events & ClientEvents.FragmentsReceived) == 0)
                MonotonicClock.WaitForTick();
        }

        // ---- verified: the whole capsule passed; now and only now the flash is touched. The network is
        // still served between flash operations, so STATUS_REQUESTs get their COMPLETE answer. ----
        ReadOnlySpan<byte> capsuleBytes = client.VerifiedImage;
        CapsuleStatus parsed = CapsuleParser.TryParse(capsuleBytes, out FmpCapsule capsule);
        if (parsed != CapsuleStatus.Ok)
        {
            // The verifier parsed the same bytes; a difference here is a defect, and nothing is written.
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=capsule-parse status=").AppendDecimal((ulong)(int)parsed).WriteLine(_console);
            return MachineExitCodes.Failure;
        }
        ReadOnlySpan<byte> payload = capsule.Payload;
        uint version = capsule.PayloadHeader.FwVersion;
        new ConsoleLine(line).Append("RECOVERY VERIFIED version=").AppendHex(version, 8).Append(" payload=").AppendDecimal((ulong)payload.Length)
            .Append(" capsule=").AppendDecimal((ulong)capsuleBytes.Length).WriteLine(_console);
        new ConsoleLine(line).Append("RECOVERY PHASE writing blocks=").AppendDecimal((ulong)region.BlockCount).WriteLine(_console);
        wroteFlash = true;

        // Only the blocks that differ (uefirecovery.flash.write=all: every block), the header block last
        // with its headers right after its erase (docs/firmware-regions.md).
        FlashWriteMode mode = config.FlashWriteAllBlocks ? FlashWriteMode.AllBlocks : FlashWriteMode.ChangedBlocks;
        var writer = new FlashWriter(new ServicedFlashRegion(flash, pump), MaxAttempts);
        if (config.DebugLog)
            writer.Progress = new FlashProgressLines(_console);
        long writeStart = MonotonicClock.Now.Milliseconds;
        RecoveryResult recovery = RegionRecovery.Run(writer, new ReportingMarkerStore(markerStore, _console), region, payload, mode, HeaderBlockPolicy.KeepBootable);
        long writeMs = MonotonicClock.Now.Milliseconds - writeStart;
        FlashWriteResult write = recovery.Write;
        new ConsoleLine(line).Append("RECOVERY WRITE recovery=").Append(FirmwareNames.Recovery(recovery.Status))
            .Append(" result=").Append(FirmwareNames.WriteStatus(write.Status))
            .Append(" block=").AppendDecimal((long)write.Block).Append(" written=").AppendDecimal((ulong)write.BlocksWritten)
            .Append(" erases=").AppendDecimal((ulong)write.Erases).Append(" retries=").AppendDecimal((ulong)write.Retries)
            .WriteLine(_console);
        new ConsoleLine(line).Append("RECOVERY WRITE-DETAIL mode=").Append(mode == FlashWriteMode.AllBlocks ? "all" : "changed")
            .Append(" skipped=").AppendDecimal((ulong)write.BlocksSkipped).Append(" in-place=").AppendDecimal((ulong)write.BlocksProgrammedInPlace)
            .Append(" bytes=").AppendDecimal((ulong)write.BytesProgrammed).Append(" header-erased=").Append(write.HeaderBlockErased ? "yes" : "no")
            .Append(" ms=").AppendDecimal((ulong)writeMs).Append(" region-sha256=").Append(HexText(writer.RegionDigest))
            .WriteLine(_console);
        RegionVerdict after = RegionValidator.Validate(flash, region, markerStore.Read(), block);
        PrintRegion(line, after, markerStore.Read(), true);
        bool success = recovery.Status == RecoveryStatus.Recovered && after.IsValid;
        ResultReason reason = success ? ResultReason.None : FailureReason(recovery, after);

        // ---- RESULT until acknowledged (or the engine's retries are spent), still answering STATUS ----
        new ConsoleLine(line).Append("RECOVERY PHASE reporting").WriteLine(_console);
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
            LeaveGroup(iface, device, chosen.DeliveryAddress, line, a);
        new ConsoleLine(line).Append("RECOVERY RESULT outcome=").Append(success ? "success" : "failure")
            .Append(" reason=").AppendDecimal((ulong)reason).Append(" acked=").Append(client.ResultAcknowledged ? "yes" : "no").WriteLine(_console);
        new ConsoleLine(line).Append("RECOVERY DONE verdict=").Append(success ? "recovered" : "failed")
            .Append(" reason=").Append(success ? "none" : FirmwareNames.Recovery(recovery.Status)).WriteLine(_console);
        return success ? MachineExitCodes.Success : MachineExitCodes.Failure;
    }

    /// <summary>
    /// A failed FVB call before anything was erased: "RECOVERY FVB call=NAME status=0x.. injected=yes|no" and
    /// "RECOVERY DONE verdict=failed reason=fvb-NAME" (NAME as in <see cref="FvbTestFaultNames"/>).
    /// </summary>
    private int FvbCallFailed(Span<char> line, FvbTestFault call, EfiStatus status, bool injected)
    {
        new ConsoleLine(line).Append("RECOVERY FVB call=").Append(FvbTestFaultNames.Name(call)).Append(" status=").AppendHex(status.Value)
            .Append(" injected=").Append(injected ? "yes" : "no").WriteLine(_console);
        new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=fvb-").Append(FvbTestFaultNames.Name(call)).WriteLine(_console);
        return MachineExitCodes.Failure;
    }

    // The whole digest as 64 lower-case hex digits (sha256sum's form); all zero when the final check did not run.
    private static ReadOnlySpan<char> HexText(ReadOnlySpan<byte> digest)
    {
        const string digits = "0123456789abcdef";
        char[] text = new char[2 * digest.Length];
        for (int i = 0; i < digest.Length; i++)
        {
            text[2 * i] = digits[digest[i] >> 4];
            text[2 * i + 1] = digits[digest[i] & 0xF];
        }
        return text;
    }

    /// <summary>
    /// Sends the IGMPv2 Leave for <paramref name="group"/> with a free TX buffer (the RESULT's frames may still
    /// hold them all), and waits until the NIC has sent it: a reset right after would otherwise lose it.
    /// </summary>
    private void LeaveGroup(Interface iface, SnpFrameDevice device, uint group, Span<char> line, Span<char> a)
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
        new ConsoleLine(line).Append("RECOVERY MULTICAST left group=").Append(NetText.Ipv4(group, a))
            .Append(" leave=").Append(sent ? "sent" : "not-sent").WriteLine(_console);
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

    /// <summary>
    /// The trust in force, once: "RECOVERY TRUST rsa2048=N [h1,h2] x509=M [h1] manager=K [h1] image-type=GUID lsv=0x.." with
    /// each anchor shown by the first 4 bytes of its SHA-256 (the modulus hash, or the certificate's DER hash = its pin).
    /// </summary>
    private void PrintTrust(Span<char> line, TrustStore trust, RecoveryTargetConfig target)
    {
        var text = new ConsoleLine(line).Append("RECOVERY TRUST rsa2048=").AppendDecimal((ulong)trust.KeyHashCount).Append(" [");
        for (int i = 0; i < trust.KeyHashCount; i++)
            text = AppendShortHash(i == 0 ? text : text.Append(","), trust.GetKeyHash(i));
        text = text.Append("] x509=").AppendDecimal((ulong)trust.RootCertificateCount).Append(" [");
        // Heap scratch (once per run): a stackalloc span could not be handed to the line's methods (ref safety).
        byte[] digest = new byte[UefiRecovery.Core.Crypto.Sha256.DigestSize];
        for (int i = 0; i < trust.RootCertificateCount; i++)
        {
            UefiRecovery.Core.Crypto.Sha256.Hash(trust.GetRootCertificate(i), digest);
            text = AppendShortHash(i == 0 ? text : text.Append(","), digest);
        }
        char[] guid = new char[36];
        target.ImageType.TryFormat(guid, out int guidLength);
        text = text.Append("] manager=").AppendDecimal((ulong)target.TrustedManagerKeyCount).Append(" [");
        for (int i = 0; i < target.TrustedManagerKeyCount; i++)
            text = AppendShortHash(i == 0 ? text : text.Append(","), target.GetTrustedManagerKeyHash(i));
        text.Append("] image-type=").Append(new ReadOnlySpan<char>(guid, 0, guidLength)).Append(" lsv=").AppendHex(target.LowestSupportedVersion, 8).WriteLine(_console);
    }

    // The first 4 bytes as 8 lower-case hex digits, as sha256sum prints the start of a hash.
    private static ConsoleLine AppendShortHash(ConsoleLine text, ReadOnlySpan<byte> hash)
    {
        const string digits = "0123456789abcdef";
        char[] shown = new char[8];
        for (int i = 0; i < 4 && i < hash.Length; i++)
        {
            shown[2 * i] = digits[hash[i] >> 4];
            shown[2 * i + 1] = digits[hash[i] & 0xF];
        }
        return text.Append(new ReadOnlySpan<char>(shown, 0, Math.Min(hash.Length, 4) * 2));
    }

    private void PrintRegion(Span<char> line, in RegionVerdict verdict, RecoveryMarkerState marker, bool hasStore)
    {
        new ConsoleLine(line).Append("RECOVERY REGION verdict=").Append(verdict.IsValid ? "valid" : "invalid")
            .Append(" reason=").Append(verdict.ReasonName).Append(" message=\"").Append(verdict.Message).Append("\" marker=")
            .Append(hasStore ? FirmwareNames.Marker(marker) : "unavailable").WriteLine(_console);
    }

    private void PrintOffer(Span<char> line, Span<char> a, in OfferRecord offer)
    {
        OfferMessage o = offer.Offer;
        new ConsoleLine(line).Append("RECOVERY OFFER donor=").Append(NetText.Ipv4(offer.DonorEndpoint.Address, a))
            .Append(":").AppendDecimal((ulong)offer.DonorEndpoint.Port)
            .Append(" image=").AppendHex(o.ImageId, 16).Append(" version=").AppendHex(o.ImageVersion, 8)
            .Append(" size=").AppendDecimal((ulong)o.Geometry.ImageSize).Append(" fragments=").AppendDecimal((ulong)o.Geometry.FragmentCount)
            .Append(" mode=").Append(o.DeliveryMode == DeliveryMode.Broadcast ? "broadcast" : o.DeliveryMode == DeliveryMode.Multicast ? "multicast" : "unicast")
            .WriteLine(_console);
    }

    private void PrintProgress(Span<char> line, ClientSession client, long elapsedMs, bool complete)
    {
        OfferMessage offer = client.ChosenOffer.Offer;
        ulong size = offer.Geometry.ImageSize;
        ulong fragmentSize = offer.Geometry.FragmentSize;
        ulong held = client.FragmentsHeld;
        ulong bytes = complete ? size : Math.Min(held * fragmentSize, size);
        ulong rate = elapsedMs > 0 ? bytes * 1000 / 1024 / (ulong)elapsedMs : 0;
        var progress = new ConsoleLine(line).Append("RECOVERY PROGRESS bytes=").AppendDecimal(bytes).Append(" of ").AppendDecimal(size)
            .Append(" rate=").AppendDecimal(rate).Append("KiB/s round=").AppendDecimal((ulong)client.StatusesSent).Append(" [");
        int filled = size == 0 ? 0 : (int)(bytes * BarWidth / size);
        for (int i = 0; i < BarWidth; i++)
            progress = progress.Append(i < filled ? "#" : ".");
        progress.Append("]").WriteLine(_console);
    }

    /// <summary>
    /// What the transfer met on the way (docs/protocol.md §6.3, §9): "RECOVERY RECEIVED fragments=N corrupted=C
    /// forged=F duplicates=D unauthenticated-offers=U stalled=S".
    /// </summary>
    private void PrintReceived(Span<char> line, ClientSession client)
    {
        new ConsoleLine(line).Append("RECOVERY RECEIVED fragments=").AppendDecimal((ulong)client.ChosenOffer.Offer.Geometry.FragmentCount)
            .Append(" corrupted=").AppendDecimal((ulong)client.CorruptedFragments)
            .Append(" forged=").AppendDecimal((ulong)client.ForgedFragments)
            .Append(" duplicates=").AppendDecimal((ulong)client.DuplicateFragments)
            .Append(" unauthenticated-offers=").AppendDecimal((ulong)client.OffersUnauthenticated)
            .Append(" signature-checks=").AppendDecimal((ulong)client.SignatureChecks)
            .Append(" stalled=").AppendDecimal((ulong)client.SessionsStalled).WriteLine(_console);
    }

    private void PrintRejection(Span<char> line, CapsuleImageVerifier verifier, ResultReason reason)
    {
        var rejected = new ConsoleLine(line).Append("RECOVERY REJECTED ");
        if (reason == ResultReason.AnnouncedVersionMismatch)
            rejected = rejected.Append("code=0 reason=AnnouncedVersionMismatch message=\"the capsule's version is not the one the offer announced\"");
        else if (verifier.LastImageIdMismatch)
            rejected = rejected.Append("code=0 reason=ImageIdMismatch message=\"the image's SHA-256 does not match the offered image id\"");
        else
            rejected = rejected.Append("code=").AppendDecimal((ulong)(int)verifier.LastStatus).Append(" reason=").Append(StatusName(verifier.LastStatus))
                .Append(" message=\"").Append(CapsuleStatusText.Describe(verifier.LastStatus)).Append("\"");
        rejected.Append(" result-reason=").AppendDecimal((ulong)reason).WriteLine(_console);
    }

    private static string StatusName(CapsuleStatus status) => status switch
    {
        CapsuleStatus.PublicKeyNotTrusted => "PublicKeyNotTrusted",
        CapsuleStatus.SignatureInvalid => "SignatureInvalid",
        CapsuleStatus.ImageTypeMismatch => "ImageTypeMismatch",
        CapsuleStatus.RollbackBelowStoredLowestSupported => "RollbackBelowStoredLowestSupported",
        CapsuleStatus.PayloadTooLarge => "PayloadTooLarge",
        CapsuleStatus.Pkcs7NoTrustedRoot => "Pkcs7NoTrustedRoot",
        CapsuleStatus.Pkcs7VerificationFailed => "Pkcs7VerificationFailed",
        _ => "other",
    };
}
