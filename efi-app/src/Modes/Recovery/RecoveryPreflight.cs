namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// Everything a recovery checks before it touches the network, in this order: the configuration (fail closed
/// on a refused protected key), the target region (uefirecovery.target), the FVB instance that carries it and
/// every FVB call's result (uefirecovery.test.fvb-fail injects a failure), the region's verdict, whether its
/// writes can land (not write-disabled, not a RAM copy: docs/firmware-regions.md), a marker store on the
/// ESP, and the trust in force. Prints the REGION, FVB, TRUST and failed DONE lines (<see cref="RecoveryConsole"/>).
/// </summary>
internal static class RecoveryPreflight
{

    /// <summary>EFI_FVB2_WRITE_STATUS (PI 1.7 vol. 3 §3.2.1.1): writes are enabled.</summary>
    private const uint WriteStatusAttribute = 0x0000_0020;

    /// <param name="fvb">The region's FVB, open (GET_PROTOCOL) whenever it was found, whatever the outcome; the caller disposes it.</param>
    public static PreflightResult Check(RecoveryConsole lines, UefiBootServices boot, RecoveryConfig config, bool forced,
        out UefiFirmwareVolumeBlock fvb)
    {
        fvb = default;
        // Fail closed: a protected value a trusted source gave but that was refused (already printed as
        // CONFIG rejected) would leave its default in force, e.g. a refused lsv would remove the rollback floor.
        if (config.ProtectedKeyRejected)
        {
            lines.ProtectedKeyRejected(config);
            return Failed(lines, "config");
        }
        // A combination TryValidate refuses was already printed when the sources were resolved (CONFIG rejected combination).
        if (!config.TryValidate(out _))
            return Failed(lines, "config");

        // The boot manager's 5-minute watchdog would reset the machine in the middle of a transfer.
        boot.DisableWatchdog();
        // The region the target map (uefirecovery.target; without it this architecture's NV store) gives for the image type.
        if (!config.TrySelectRegion(DefaultRegionTarget.Region, out RegionTarget region, out ulong regionBase, out string noTarget))
        {
            lines.RegionMissing("no-target", noTarget);
            return Failed(lines, "no-target");
        }
        EspMarkerStore? markerStore = EspMarkerStore.Open(boot);
        RecoveryMarkerState marker = markerStore != null ? markerStore.Read() : RecoveryMarkerState.Absent;

        using (HandleBuffer handles = UefiFirmwareVolumeBlock.LocateHandles(boot))
        {
            int index = handles.IsSuccess ? RegionLocator.Find(boot, handles.Handles, region, regionBase) : -1;
            if (index < 0 && ManagementMode.HasCommunication(boot))
            {
                // An SMM build: the store's FVB is inside SMM, out of any DXE application's reach (docs/secure-boot.md).
                lines.RegionMissing("in-smm", ManagementMode.StoreInSmmMessage);
                return Failed(lines, "region-in-smm");
            }
            if (index < 0)
            {
                lines.RegionMissing("not-found", "no FVB instance carries the configured FV");
                return Failed(lines, "region-not-found");
            }
            fvb = UefiFirmwareVolumeBlock.Open(boot, handles.Handles[index], out EfiStatus openStatus);
            FvbTestFault fault = config.TestFvbFault;
            if (!fvb.IsOpen || fault == FvbTestFault.Open)
                return FvbCallFailed(lines, FvbTestFault.Open, fvb.IsOpen ? EfiStatus.DeviceError : openStatus, fault);
        }
        return CheckRegion(lines, boot, config, forced, fvb, region, markerStore, marker);
    }

    private static PreflightResult CheckRegion(RecoveryConsole lines, UefiBootServices boot, RecoveryConfig config, bool forced,
        UefiFirmwareVolumeBlock fvb, in RegionTarget region, EspMarkerStore? markerStore, RecoveryMarkerState marker)
    {
        // Every FVB call's result is checked before anything is erased.
        FvbTestFault fault = config.TestFvbFault;
        EfiResult<FvbBlockRun> blockSize = fault == FvbTestFault.GetBlockSize ? EfiResult<FvbBlockRun>.Failure(EfiStatus.DeviceError) : fvb.GetBlockSize(0);
        if (!blockSize.TryGetValue(out FvbBlockRun run))
            return FvbCallFailed(lines, FvbTestFault.GetBlockSize, blockSize.Status, fault);
        var flash = new FvbFlashRegion(fvb, (int)Math.Min((ulong)run.BlockSize, int.MaxValue), (int)Math.Min(region.RegionBlocksOf(run.NumberOfBlocks), int.MaxValue));
        byte[] block = new byte[Math.Max(flash.BlockSize, 1)];
        RegionVerdict verdict = RegionValidator.Validate(flash, region, marker, block);
        lines.Region(verdict, marker, markerStore != null);

        if (verdict.IsValid && !forced)
            return PreflightResult.Valid();

        // Never "recover" a region whose writes cannot land: write-disabled, or a RAM copy of the FV
        // (the same rule as fvbcheck's restore-selftest, docs/firmware-regions.md).
        EfiResult<uint> attributeResult = fault == FvbTestFault.GetAttributes ? EfiResult<uint>.Failure(EfiStatus.DeviceError) : fvb.GetAttributes();
        if (!attributeResult.TryGetValue(out uint attributes))
            return FvbCallFailed(lines, FvbTestFault.GetAttributes, attributeResult.Status, fault);
        // EFI_UNSUPPORTED is the spec's answer for a volume that is not memory-mapped: backing unknown, as fvbcheck says.
        EfiResult<ulong> addressResult = fault == FvbTestFault.GetPhysicalAddress ? EfiResult<ulong>.Failure(EfiStatus.DeviceError) : fvb.GetPhysicalAddress();
        if (!addressResult.IsSuccess && addressResult.Status != EfiStatus.Unsupported)
            return FvbCallFailed(lines, FvbTestFault.GetPhysicalAddress, addressResult.Status, fault);
        ulong baseAddress = addressResult.TryGetValue(out ulong fvbBase) ? fvbBase : 0;
        FvbBacking backing = baseAddress == 0 ? FvbBacking.Unknown : MemoryMapProbe.Classify(boot, baseAddress, out _, out _);
        if ((attributes & WriteStatusAttribute) == 0)
            return Failed(lines, "write-disabled");
        if (backing == FvbBacking.Ram)
            return Failed(lines, "ram-backed-emulation");
        // RegionRecovery never writes without a place to record "in progress" outside the region.
        if (markerStore == null)
            return Failed(lines, "no-marker-store");

        // The machine's Root of Trust for Update (SP 800-147 2-B): every configured key hash and every root
        // certificate whose file matched its pin at start-up (ConfigResolution), nothing else.
        RecoveryTargetConfig target = config.Target;
        var trust = new TrustStore(RecoveryTargetConfig.MaxTrustedKeys, RecoveryTargetConfig.MaxRootCertificates, ConfigResolution.RootCertificatePoolBytes);
        for (int i = 0; i < target.TrustedKeyCount; i++)
            trust.TryAddKeyHash(target.GetTrustedKeyHash(i));
        ConfigResolution.AddRootCertificatesTo(trust);
        lines.Trust(trust, target);
        if (target.ImageType.IsZero || trust.KeyHashCount + trust.RootCertificateCount == 0)
            return Failed(lines, "no-image-type-or-trusted-key");

        return PreflightResult.Ready(region, flash, markerStore, block, trust);
    }

    private static PreflightResult Failed(RecoveryConsole lines, string reason)
    {
        lines.Failed(reason);
        return PreflightResult.Failed();
    }

    private static PreflightResult FvbCallFailed(RecoveryConsole lines, FvbTestFault call, EfiStatus status, FvbTestFault injected)
    {
        lines.FvbCallFailed(call, status, injected == call);
        lines.FailedFvb(call);
        return PreflightResult.Failed();
    }
}
