using System;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Firmware;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Efi.Boot;
using UefiRecovery.Efi.Firmware;
using UefiRecovery.Efi.Network;
using UefiRecovery.Efi.Platform;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using CoreGuid = UefiRecovery.Core.Common.EfiGuid;

namespace UefiRecovery.Efi.Recovery;

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
///   RECOVERY PHASE network|discovering|receiving|verifying|writing|reporting
///   RECOVERY OFFER donor=.. image=0x.. version=0x.. size=.. mode=..
///   RECOVERY PROGRESS bytes=N of M rate=K KiB/s round=R [#####.....]   (R = STATUS messages sent so far)
///   RECOVERY REPAIR status=R held=H of C corrupted=K                    (each NACKing STATUS: a repair round)
///   RECOVERY REJECTED code=.. reason=.. message=".." result-reason=..   (image refused, next donor)
///   RECOVERY VERIFIED version=0x.. payload=N
///   RECOVERY WRITE recovery=.. result=.. written=.. erases=.. retries=..
///   RECOVERY RESULT outcome=success|failure reason=.. acked=yes|no
///   RECOVERY DONE verdict=recovered|failed reason=..
/// </summary>
internal static unsafe class RecoveryRun
{
    private const string Tag = "RECOVERY";
    private const int HeaderReadLength = 4096;
    private const int MaxAttempts = 3;
    private const int ProgressIntervalMs = 1000;
    private const int BarWidth = 30;

    /// <summary>EFI_FVB2_WRITE_STATUS (PI 1.7 vol. 3 §3.2.1.1): writes are enabled.</summary>
    private const uint WriteStatusAttribute = 0x0000_0020;

    /// <summary>Room for the capsule around the region image (headers, signature, dependency).</summary>
    private const uint CapsuleOverhead = 64 * 1024;

    private static SystemTable* s_st;

    /// <returns>The machine exit code (Success when recovered, or when the region is valid and nothing was to be done).</returns>
    public static int Run(void* imageHandle, SystemTable* systemTable, SmbiosOemConfig oem, bool forced, out bool resetWanted)
    {
        s_st = systemTable;
        resetWanted = false;
        BootServices* boot = systemTable->BootServices;
        Span<char> line = stackalloc char[256];
        new ConsoleLine(line).Append("RECOVERY BEGIN mode=").Append(forced ? "recover" : "auto").WriteLine(systemTable);

        var config = new RecoveryConfig();
        SmbiosConfigSource.Apply(systemTable, config, Tag);
        var targetConfig = new RecoveryTargetConfig();
        if (!ApplyTargetKeys(oem, targetConfig) || !config.TryValidate(out string invalid))
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=config").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }

        // The boot manager's 5-minute watchdog would reset the machine in the middle of a transfer.
        boot->SetWatchdogTimer(0, 0, 0, null);
        var services = new UefiBootServices(boot, new EfiHandle(imageHandle));
        RegionTarget region = RegionTarget.OvmfNvStore4M;
        EspMarkerStore? markerStore = EspMarkerStore.Open(services);
        RecoveryMarkerState marker = markerStore != null ? markerStore.Read() : RecoveryMarkerState.Absent;

        using HandleBuffer handles = services.LocateHandleBuffer<FirmwareVolumeBlock2Protocol>();
        int index = handles.IsSuccess ? FindRegion(services, handles.Handles, region) : -1;
        if (index < 0)
        {
            new ConsoleLine(line).Append("RECOVERY REGION verdict=invalid reason=not-found message=\"no FVB instance carries the configured FV\"")
                .WriteLine(systemTable);
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=region-not-found").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }
        using ProtocolScope<FirmwareVolumeBlock2Protocol> scope = services.OpenGetProtocol<FirmwareVolumeBlock2Protocol>(handles.Handles[index]);
        var fvb = new UefiFirmwareVolumeBlock(scope.Pointer);
        fvb.GetBlockSize(0).TryGetValue(out FvbBlockRun run);
        var flash = new FvbFlashRegion(fvb, (int)Math.Min((ulong)run.BlockSize, int.MaxValue), (int)Math.Min((ulong)run.NumberOfBlocks, int.MaxValue));
        byte[] block = new byte[Math.Max(flash.BlockSize, 1)];
        RegionVerdict verdict = RegionValidator.Validate(flash, region, marker, block);
        PrintRegion(line, verdict, marker, markerStore != null);

        if (verdict.IsValid && !forced)
        {
            new ConsoleLine(line).Append("FIRMWARE VALID").WriteLine(systemTable);
            HandOver(imageHandle, services, targetConfig);
            return MachineExitCodes.Success;
        }

        // Never "recover" a region whose writes cannot land: write-disabled, or a RAM copy of the FV
        // (the same rule as fvbcheck's restore-selftest, docs/firmware-regions.md).
        uint attributes = fvb.GetAttributes().TryGetValue(out uint fvbAttributes) ? fvbAttributes : 0;
        ulong baseAddress = fvb.GetPhysicalAddress().TryGetValue(out ulong fvbBase) ? fvbBase : 0;
        FvbBacking backing = baseAddress == 0 ? FvbBacking.Unknown : MemoryMapProbe.Classify(boot, baseAddress, out _, out _);
        string? notWritable = (attributes & WriteStatusAttribute) == 0 ? "write-disabled" : backing == FvbBacking.Ram ? "ram-backed-emulation" : null;

        if (notWritable != null)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=").Append(notWritable).WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }
        if (markerStore == null)
        {
            // RegionRecovery never writes without a place to record "in progress" outside the region.
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-marker-store").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }
        if (targetConfig.ImageType.IsZero || targetConfig.TrustedKeyCount == 0)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-image-type-or-trusted-key").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }

        new ConsoleLine(line).Append("RECOVERY PHASE network").WriteLine(systemTable);
        if (systemTable->ConIn != null)
            systemTable->ConIn->Reset(systemTable->ConIn, 0);
        if (!MonotonicClock.Start(boot))
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-timer").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }
        SnpFrameDevice? device = NetworkBringUp.OpenFirstNic(imageHandle, systemTable, Tag);
        if (device == null)
        {
            MonotonicClock.Stop();
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-nic").WriteLine(systemTable);
            return MachineExitCodes.Failure;
        }
        // A reset only follows a write attempt (the firmware must restart from the new region); a failure
        // before that goes back to the firmware instead of resetting into the same failure forever.
        int result = RecoverOverNetwork(device, config, targetConfig, region, flash, markerStore, block, boot, out resetWanted);
        device.Close();
        MonotonicClock.Stop();
        return result;
    }

    private static int RecoverOverNetwork(SnpFrameDevice device, RecoveryConfig config, RecoveryTargetConfig targetConfig,
        in RegionTarget region, FvbFlashRegion flash, EspMarkerStore markerStore, byte[] block, BootServices* boot, out bool wroteFlash)
    {
        wroteFlash = false;
        Span<char> line = stackalloc char[256];
        Span<char> a = stackalloc char[24];
        Interface iface = NetworkBringUp.CreateInterface(device, boot);
        var transport = new NetstackDatagramTransport(iface, ProtocolConstants.ClientPort, 256, 16);
        if (!NetworkBringUp.TryConfigureAddress(device, iface, config, s_st, Tag, out DhcpClient? dhcp))
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=no-address").WriteLine(s_st);
            return MachineExitCodes.Failure;
        }

        uint managerAddress = config.ManagerAddress;
        ushort managerPort = config.ManagerPort;
        if (managerAddress == 0 && dhcp != null && dhcp.HasLease && !dhcp.Lease.ManagerAddress.IsUnspecified)
        {
            managerAddress = dhcp.Lease.ManagerAddress.Value;
            managerPort = dhcp.Lease.ManagerPort != 0 ? dhcp.Lease.ManagerPort : ProtocolConstants.DonorPort;
        }

        // The machine's Root of Trust for Update: only the configured key hashes (SP 800-147 2-B).
        var trust = new TrustStore(RecoveryTargetConfig.MaxTrustedKeys, 0, 0);
        for (int i = 0; i < targetConfig.TrustedKeyCount; i++)
            trust.TryAddKeyHash(targetConfig.GetTrustedKeyHash(i));
        ulong regionSize = (ulong)region.BlockSize * (ulong)region.BlockCount;
        var target = new UpdateTarget(targetConfig.ImageType, 0, 0, targetConfig.LowestSupportedVersion, 0, regionSize);
        var verifier = new CapsuleImageVerifier(trust, target);

        ulong monotonic = 0;
        boot->GetNextMonotonicCount(&monotonic);
        var clientConfig = new ClientConfig
        {
            ImageType = ImageTypeId.FromGuid(targetConfig.ImageType),
            LowestAcceptableVersion = targetConfig.LowestSupportedVersion,
            MacAddress = device.MacAddress.Value,
            Ipv4Address = iface.Address.Value,
            ManagerEndpoint = new DatagramEndpoint(managerAddress, managerPort),
            ImageCapacity = (uint)regionSize + CapsuleOverhead,
            RandomSeed = device.MacAddress.Value ^ (monotonic << 16) ^ (ulong)MonotonicClock.Now.Milliseconds | 1,
        };
        ClientSetupStatus setup = ClientSession.TryCreate(clientConfig, transport, verifier, out ClientSession? client);
        if (setup != ClientSetupStatus.Ok || client == null || !transport.Bound)
        {
            new ConsoleLine(line).Append("RECOVERY DONE verdict=failed reason=client-setup status=").AppendDecimal((ulong)setup).WriteLine(s_st);
            return MachineExitCodes.Failure;
        }
        new ConsoleLine(line).Append("RECOVERY PHASE discovering manager=")
            .Append(managerAddress == 0 ? "none" : NetText.Ipv4(managerAddress, a)).Append(":").AppendDecimal((ulong)managerPort)
            .Append(" broadcast=yes").WriteLine(s_st);

        var pump = new RecoveryNetworkPump(iface, client, device, transport.Socket);

        // ---- receive until a verified image ----
        long phaseStart = MonotonicClock.Now.Milliseconds;
        long lastProgress = phaseStart;
        long receiveStart = phaseStart;
        while (true)
        {
            int handled = pump.Pump(out ClientEvents events);
            Instant now = MonotonicClock.Now;

            if ((events & ClientEvents.DonorChosen) != 0)
            {
                PrintOffer(line, a, client.ChosenOffer);
                receiveStart = now.Milliseconds;
            }
            if ((events & ClientEvents.Joined) != 0)
                new ConsoleLine(line).Append("RECOVERY PHASE receiving").WriteLine(s_st);
            if ((events & ClientEvents.NoDonorYet) != 0)
                new ConsoleLine(line).Append("RECOVERY WAITING no offer yet requests=").AppendDecimal((ulong)client.RequestsSent).WriteLine(s_st);
            if ((events & (ClientEvents.SessionLost | ClientEvents.SessionAborted | ClientEvents.AcceptTimedOut)) != 0)
                new ConsoleLine(line).Append("RECOVERY PHASE discovering reason=")
                    .Append((events & ClientEvents.SessionAborted) != 0 ? "aborted" : (events & ClientEvents.SessionLost) != 0 ? "session-lost" : "accept-timeout")
                    .WriteLine(s_st);
            if ((events & ClientEvents.StatusSent) != 0 && client.State == ClientState.Receiving)
            {
                // A STATUS that NACKs fragments: the donor's next pass repairs them (one repair round).
                new ConsoleLine(line).Append("RECOVERY REPAIR status=").AppendDecimal((ulong)client.StatusesSent)
                    .Append(" held=").AppendDecimal((ulong)client.FragmentsHeld).Append(" of ").AppendDecimal((ulong)client.FragmentCount)
                    .Append(" corrupted=").AppendDecimal((ulong)client.CorruptedFragments).WriteLine(s_st);
            }
            if ((events & ClientEvents.ImageComplete) != 0)
            {
                // The verifier already ran in this Poll (a rejection has cleared the fragments): all were held.
                PrintProgress(line, client, now.Milliseconds - receiveStart, complete: true);
                new ConsoleLine(line).Append("RECOVERY PHASE verifying").WriteLine(s_st);
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
        CapsuleParser.TryParse(capsuleBytes, out FmpCapsule capsule);
        ReadOnlySpan<byte> payload = capsule.Payload;
        uint version = capsule.PayloadHeader.FwVersion;
        new ConsoleLine(line).Append("RECOVERY VERIFIED version=").AppendHex(version, 8).Append(" payload=").AppendDecimal((ulong)payload.Length)
            .Append(" capsule=").AppendDecimal((ulong)capsuleBytes.Length).WriteLine(s_st);
        new ConsoleLine(line).Append("RECOVERY PHASE writing blocks=").AppendDecimal((ulong)region.BlockCount).WriteLine(s_st);
        wroteFlash = true;

        RecoveryResult recovery = RegionRecovery.Run(new FlashWriter(new ServicedFlashRegion(flash, pump), MaxAttempts), new ReportingMarkerStore(markerStore, s_st),
            region, payload, FlashWriteMode.AllBlocks, HeaderBlockPolicy.KeepBootable);
        FlashWriteResult write = recovery.Write;
        new ConsoleLine(line).Append("RECOVERY WRITE recovery=").Append(FvbCheckText.Recovery(recovery.Status))
            .Append(" result=").Append(FvbCheckText.WriteStatus(write.Status))
            .Append(" block=").AppendDecimal((long)write.Block).Append(" written=").AppendDecimal((ulong)write.BlocksWritten)
            .Append(" erases=").AppendDecimal((ulong)write.Erases).Append(" retries=").AppendDecimal((ulong)write.Retries)
            .WriteLine(s_st);
        RegionVerdict after = RegionValidator.Validate(flash, region, markerStore.Read(), block);
        PrintRegion(line, after, markerStore.Read(), true);
        bool success = recovery.Status == RecoveryStatus.Recovered && after.IsValid;
        ResultReason reason = success ? ResultReason.None : FailureReason(recovery, after);

        // ---- RESULT until acknowledged (or the engine's retries are spent), still answering STATUS ----
        new ConsoleLine(line).Append("RECOVERY PHASE reporting").WriteLine(s_st);
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
        new ConsoleLine(line).Append("RECOVERY RESULT outcome=").Append(success ? "success" : "failure")
            .Append(" reason=").AppendDecimal((ulong)reason).Append(" acked=").Append(client.ResultAcknowledged ? "yes" : "no").WriteLine(s_st);
        new ConsoleLine(line).Append("RECOVERY DONE verdict=").Append(success ? "recovered" : "failed")
            .Append(" reason=").Append(success ? "none" : FvbCheckText.Recovery(recovery.Status)).WriteLine(s_st);
        return success ? MachineExitCodes.Success : MachineExitCodes.Failure;
    }

    /// <summary>
    /// After a recovery attempt: a cold reset so the firmware starts from the rewritten region (QEMU with
    /// -no-reboot then exits); with <c>uefirecovery.debugexit=1</c> the debug-exit port carries the code instead.
    /// </summary>
    public static void ResetAfterRecovery(SystemTable* systemTable, int code, bool debugExit)
    {
        if (debugExit)
            Internal.Runtime.EfiRuntime.Exit(code);
        systemTable->RuntimeServices->ResetSystem(ResetType.Cold, code == MachineExitCodes.Success ? EfiStatus.Success : EfiStatus.Aborted, 0, null);
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

    /// <summary>First FVB instance whose FV header names the configured region (by FileSystemGuid); -1 when none.</summary>
    private static int FindRegion(UefiBootServices services, ReadOnlySpan<EfiHandle> handles, in RegionTarget region)
    {
        Span<byte> header = stackalloc byte[HeaderReadLength];
        for (int i = 0; i < handles.Length; i++)
        {
            using ProtocolScope<FirmwareVolumeBlock2Protocol> scope = services.OpenGetProtocol<FirmwareVolumeBlock2Protocol>(handles[i]);
            if (!scope.IsOpen)
                continue;
            var fvb = new UefiFirmwareVolumeBlock(scope.Pointer);
            if (!fvb.GetBlockSize(0).TryGetValue(out FvbBlockRun run))
                continue;
            int length = (int)Math.Min((ulong)run.BlockSize, (ulong)HeaderReadLength);
            if (length <= 0 || !fvb.Read(0, 0, header.Slice(0, length)).IsSuccess)
                continue;
            if (FvHeader.TryParse(header.Slice(0, length), out FvHeader fv) == FvHeaderStatus.Valid && fv.FileSystemGuid.Equals(region.FileSystemGuid))
                return i;
        }
        return -1;
    }

    private static bool ApplyTargetKeys(SmbiosOemConfig oem, RecoveryTargetConfig target)
    {
        bool ok = true;
        ok &= ApplyKey(oem, target, "uefirecovery.trust.rsa2048="u8, RecoveryTargetConfig.TrustRsa2048Key);
        ok &= ApplyKey(oem, target, "uefirecovery.image-type="u8, RecoveryTargetConfig.ImageTypeKey);
        ok &= ApplyKey(oem, target, "uefirecovery.lsv="u8, RecoveryTargetConfig.LowestSupportedVersionKey);
        ok &= ApplyKey(oem, target, "uefirecovery.next="u8, RecoveryTargetConfig.NextLoaderKey);
        return ok;
    }

    private static bool ApplyKey(SmbiosOemConfig oem, RecoveryTargetConfig target, ReadOnlySpan<byte> keyWithEquals, string key)
    {
        Span<char> value = stackalloc char[160];
        if (!oem.TryGet(keyWithEquals, value, out int length))
            return true;
        if (target.TryApply(key, value.Slice(0, length), out string reason))
            return true;
        new ConsoleLine(stackalloc char[256]).Append("RECOVERY CONFIG rejected source=smbios key=").Append(key)
            .Append(" reason=\"").Append(reason).Append("\"").WriteLine(s_st);
        return false;
    }

    /// <summary>Valid firmware: start the configured loader if any, else return to the boot manager.</summary>
    private static void HandOver(void* imageHandle, UefiBootServices services, RecoveryTargetConfig target)
    {
        if (target.NextLoader.IsEmpty)
        {
            new ConsoleLine(stackalloc char[96]).Append("RECOVERY HANDOVER boot-manager").WriteLine(s_st);
            return;
        }
        EfiStatus status = NextLoader.Start(imageHandle, services, target.NextLoader);
        new ConsoleLine(stackalloc char[256]).Append("RECOVERY HANDOVER next=").Append(target.NextLoader)
            .Append(" status=").AppendHex((ulong)status.Value).WriteLine(s_st);
    }

    private static void PrintRegion(Span<char> line, in RegionVerdict verdict, RecoveryMarkerState marker, bool hasStore)
    {
        new ConsoleLine(line).Append("RECOVERY REGION verdict=").Append(verdict.IsValid ? "valid" : "invalid")
            .Append(" reason=").Append(verdict.ReasonName).Append(" message=\"").Append(verdict.Message).Append("\" marker=")
            .Append(hasStore ? FvbCheckText.Marker(marker) : "unavailable").WriteLine(s_st);
    }

    private static void PrintOffer(Span<char> line, Span<char> a, in OfferRecord offer)
    {
        OfferMessage o = offer.Offer;
        new ConsoleLine(line).Append("RECOVERY OFFER donor=").Append(NetText.Ipv4(offer.DonorEndpoint.Address, a))
            .Append(":").AppendDecimal((ulong)offer.DonorEndpoint.Port)
            .Append(" image=").AppendHex(o.ImageId, 16).Append(" version=").AppendHex(o.ImageVersion, 8)
            .Append(" size=").AppendDecimal((ulong)o.Geometry.ImageSize).Append(" fragments=").AppendDecimal((ulong)o.Geometry.FragmentCount)
            .Append(" mode=").Append(o.DeliveryMode == DeliveryMode.Broadcast ? "broadcast" : o.DeliveryMode == DeliveryMode.Multicast ? "multicast" : "unicast")
            .WriteLine(s_st);
    }

    private static void PrintProgress(Span<char> line, ClientSession client, long elapsedMs, bool complete)
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
        progress.Append("]").WriteLine(s_st);
    }

    private static void PrintRejection(Span<char> line, CapsuleImageVerifier verifier, ResultReason reason)
    {
        var rejected = new ConsoleLine(line).Append("RECOVERY REJECTED ");
        if (verifier.LastImageIdMismatch)
            rejected = rejected.Append("code=0 reason=ImageIdMismatch message=\"the image's SHA-256 does not match the offered image id\"");
        else
            rejected = rejected.Append("code=").AppendDecimal((ulong)(int)verifier.LastStatus).Append(" reason=").Append(StatusName(verifier.LastStatus))
                .Append(" message=\"").Append(CapsuleStatusText.Describe(verifier.LastStatus)).Append("\"");
        rejected.Append(" result-reason=").AppendDecimal((ulong)reason).WriteLine(s_st);
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
