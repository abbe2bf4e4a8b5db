namespace UefiRecovery.Efi.Modes.FvbCheck;

/// <summary>
/// <c>uefirecovery.mode=fvbcheck</c>: lists every FVB2 instance, finds the configured region (by FV header:
/// FileSystemGuid, length, block map), checks FVB attributes and backing, prints the validity verdict with
/// its reason, and with <c>uefirecovery.fvbcheck.write=restore-selftest</c> rewrites every block of the
/// region with its own contents (erase, write, read back, compare) to prove the write path in real flash.
/// Lines (all start with "FIRMWARE "):
///   FIRMWARE FVB index=N base=0x.. attrs=0x.. blocks=CxS fv=&lt;status&gt; fs=&lt;guid&gt; size=0x.. backing=..
///   FIRMWARE REGION fs=.. base=0x.. size=0x.. blocks=CxS attrs=0x.. backing=.. verdict=valid|invalid reason=.. message="..."
///   FIRMWARE MARKER path=\UEFIRECOVERY-NV.MARKER store=esp|unavailable state=absent|in-progress|complete|unreadable
///   FIRMWARE SELFTEST-WRITE BEGIN blocks=N, FIRMWARE MARKER state=.. written=yes|no (each marker write)
///   FIRMWARE SELFTEST-WRITE recovery=&lt;RecoveryStatus&gt; result=&lt;FlashWriteStatus&gt; block=N written=N skipped=N erases=N retries=N device=..
///   FIRMWARE SELFTEST-WRITE result=refused reason=source-not-protected key=&lt;key&gt; source=&lt;source&gt;   (mode or write from an OS-writable source)
///   FIRMWARE FTW protocol=present max-block=0x..|absent status=0x..
///   FIRMWARE FVBCHECK DONE result=ok|fail
/// </summary>
internal static class FvbCheckMode
{
    private const int HeaderReadLength = 4096;
    private const int MaxAttempts = 3;
    private const uint WriteStatus = 0x0000_0020;
    private const uint ErasePolarity = 0x0000_0800;

    /// <returns>Success when a verdict was printed (and a requested self-test write succeeded), else Failure.</returns>
    public static int Run(UefiSystemTable system, RecoveryConfig config)
    {
        Span<char> line = stackalloc char[320];
        UefiConsole console = system.ConsoleOut;
        UefiBootServices services = system.BootServices;

        // The region comes from the target map (uefirecovery.target; without it this architecture's NV store);
        // uefirecovery.fvbcheck.fs points the check at another FV of the same shape.
        if (!config.TrySelectRegion(DefaultRegionTarget.Region, out RegionTarget target, out ulong baseAddress, out string selectProblem))
        {
            new ConsoleLine(line).Append("FIRMWARE FVBCHECK DONE result=fail reason=no-target message=\"").Append(selectProblem).Append("\"")
                .WriteLine(console);
            return MachineExitCodes.Failure;
        }
        if (!config.FvbCheckFileSystem.IsZero)
        {
            target = new RegionTarget(config.FvbCheckFileSystem, target.FvLength, target.BlockSize, target.BlockCount, target.IsVariableStore, target.HeaderMapsDevice);
            baseAddress = 0;
        }
        bool selfTestWrite = config.FvbCheckRestoreSelfTest;

        // Defence in depth (issue #10): the self-test write erases and rewrites every block, so it runs only when
        // the mode and the fvbcheck/target keys in force came from a source the OS cannot write (SMBIOS, a
        // variable without RUNTIME_ACCESS). The configuration already refuses fvbcheck.* from the others.
        ConfigKey unprotected = selfTestWrite ? UnprotectedWriteKey(config) : ConfigKey.None;
        if (unprotected != ConfigKey.None)
        {
            new ConsoleLine(line).Append("FIRMWARE SELFTEST-WRITE result=refused reason=source-not-protected key=")
                .Append(ConfigKeyNames.Name(unprotected).AsSpan(ConfigKeyNames.Prefix.Length)).Append(" source=")
                .Append(ConfigSourceNames.Name(config.SourceOf(unprotected))).WriteLine(console);
            new ConsoleLine(line).Append("FIRMWARE FVBCHECK DONE result=fail").WriteLine(console);
            return MachineExitCodes.Failure;
        }

        new ConsoleLine(line).Append("FIRMWARE FVBCHECK BEGIN target-fs=").Append(target.FileSystemGuid)
            .Append(" size=").AppendHex(target.FvLength).Append(" blocks=").AppendDecimal((ulong)target.BlockCount)
            .Append("x").AppendDecimal((ulong)target.BlockSize).Append(selfTestWrite ? " write=restore-selftest" : " write=none")
            .WriteLine(console);

        // The recovery marker lives outside the region: a file on the ESP (EspMarkerStore).
        EspMarkerStore? markerStore = EspMarkerStore.Open(services);
        RecoveryMarkerState marker = markerStore != null ? markerStore.Read() : RecoveryMarkerState.Absent;
        new ConsoleLine(line).Append("FIRMWARE MARKER path=").Append(EspMarkerStore.PathText)
            .Append(markerStore != null ? " store=esp state=" : " store=unavailable state=").Append(FirmwareNames.Marker(marker))
            .WriteLine(console);

        int result = MachineExitCodes.Failure;
        bool found = false;
        using (HandleBuffer handles = UefiFirmwareVolumeBlock.LocateHandles(services))
        {
            if (!handles.IsSuccess)
            {
                new ConsoleLine(line).Append("FIRMWARE FVB none status=").AppendHex(handles.Status.Value).WriteLine(console);
            }
            else
            {
                ReadOnlySpan<EfiHandle> list = handles.Handles;
                for (int i = 0; i < list.Length; i++)
                {
                    int outcome = CheckInstance(services, list[i], i, target, baseAddress, !found, selfTestWrite, markerStore, marker, console, out bool matched);
                    if (matched && !found)
                    {
                        found = true;
                        result = outcome;
                    }
                }
            }
        }

        PrintFaultTolerantWrite(services, line, console);
        if (!found)
        {
            bool inSmm = ManagementMode.HasCommunication(services);
            new ConsoleLine(line).Append("FIRMWARE REGION fs=").Append(target.FileSystemGuid)
                .Append(inSmm ? " verdict=invalid reason=in-smm message=\"" : " verdict=invalid reason=not-found message=\"")
                .Append(inSmm ? ManagementMode.StoreInSmmMessage : "no FVB instance carries the configured FV").Append("\"").WriteLine(console);
        }
        new ConsoleLine(line).Append("FIRMWARE FVBCHECK DONE result=").Append(result == MachineExitCodes.Success ? "ok" : "fail").WriteLine(console);
        return result;
    }

    // The first key deciding the self-test write that an OS-writable source (or nobody) set; None when all are protected.
    private static ConfigKey UnprotectedWriteKey(RecoveryConfig config)
    {
        if (!config.IsFromProtectedSource(ConfigKey.Mode)) return ConfigKey.Mode;
        if (!config.IsFromProtectedSource(ConfigKey.FvbCheckWrite)) return ConfigKey.FvbCheckWrite;
        if (config.SourceOf(ConfigKey.FvbCheckFileSystem) != ConfigSource.None && !config.IsFromProtectedSource(ConfigKey.FvbCheckFileSystem))
            return ConfigKey.FvbCheckFileSystem;
        if (config.SourceOf(ConfigKey.Target) != ConfigSource.None && !config.IsFromProtectedSource(ConfigKey.Target))
            return ConfigKey.Target;
        return ConfigKey.None;
    }

    private static int CheckInstance(UefiBootServices services, EfiHandle handle, int index, in RegionTarget target, ulong targetBase,
        bool mayMatch, bool selfTestWrite, EspMarkerStore? markerStore, RecoveryMarkerState marker, UefiConsole console, out bool matched)
    {
        matched = false;
        Span<char> line = stackalloc char[320];
        using UefiFirmwareVolumeBlock fvb = UefiFirmwareVolumeBlock.Open(services, handle, out EfiStatus openStatus);
        if (!fvb.IsOpen)
        {
            new ConsoleLine(line).Append("FIRMWARE FVB index=").AppendDecimal((ulong)index).Append(" open-failed status=")
                .AppendHex(openStatus.Value).WriteLine(console);
            return MachineExitCodes.Failure;
        }

        uint attributes = fvb.GetAttributes().TryGetValue(out uint a) ? a : 0;
        ulong baseAddress = fvb.GetPhysicalAddress().TryGetValue(out ulong b) ? b : 0;
        fvb.GetBlockSize(0).TryGetValue(out FvbBlockRun run);
        FvbBacking backing = baseAddress == 0
            ? FvbBacking.Unknown
            : MemoryMapProbe.Classify(services, baseAddress, out _, out _);

        // The FV header through Read (not through the mapping: the FVB is the interface that writes).
        Span<byte> header = stackalloc byte[HeaderReadLength];
        int headerLength = (int)Math.Min((ulong)run.BlockSize, (ulong)HeaderReadLength);
        FvHeaderStatus status = FvHeaderStatus.TooShort;
        FvHeader fv = default;
        if (headerLength > 0 && fvb.Read(0, 0, header.Slice(0, headerLength)).IsSuccess)
        {
            status = FvHeader.TryParse(header.Slice(0, headerLength), target.HeaderMapsDevice, out fv);
        }

        var fvbLine = new ConsoleLine(line).Append("FIRMWARE FVB index=").AppendDecimal((ulong)index).Append(" base=").AppendHex(baseAddress)
            .Append(" attrs=").AppendHex(attributes, 8).Append(" blocks=").AppendDecimal((ulong)run.NumberOfBlocks).Append("x")
            .AppendDecimal((ulong)run.BlockSize).Append(" fv=").Append(FirmwareNames.HeaderStatus(status)).Append(" fs=");
        if (status == FvHeaderStatus.Valid)
            fvbLine.Append(fv.FileSystemGuid);
        else
            fvbLine.Append("-");
        fvbLine.Append(" size=").AppendHex(status == FvHeaderStatus.Valid ? fv.FvLength : 0)
            .Append(" backing=").Append(FirmwareNames.Backing(backing)).WriteLine(console);

        // Located by FV header: the FileSystemGuid names the region; length and block map are then judged by the validator.
        if (!mayMatch || !RegionLocator.Matches(status, fv, baseAddress, target, targetBase))
        {
            return MachineExitCodes.Failure;
        }
        matched = true;
        return CheckRegion(fvb, run, attributes, baseAddress, backing, target, selfTestWrite, markerStore, marker, console);
    }

    private static int CheckRegion(UefiFirmwareVolumeBlock fvb, FvbBlockRun run, uint attributes, ulong baseAddress,
        FvbBacking backing, in RegionTarget target, bool selfTestWrite, EspMarkerStore? markerStore, RecoveryMarkerState marker,
        UefiConsole console)
    {
        Span<char> line = stackalloc char[320];
        var region = new FvbFlashRegion(fvb, (int)Math.Min((ulong)run.BlockSize, int.MaxValue), (int)Math.Min(target.RegionBlocksOf(run.NumberOfBlocks), int.MaxValue));
        byte[] block = new byte[region.BlockSize];

        RegionVerdict verdict = RegionValidator.Validate(region, target, marker, block);
        ReadOnlySpan<char> attributeProblem = AttributeProblem(attributes, backing);
        PrintRegion(line, target, baseAddress, region, attributes, backing, verdict, console);
        if (!attributeProblem.IsEmpty)
        {
            new ConsoleLine(line).Append("FIRMWARE REGION not-writable reason=").Append(attributeProblem).WriteLine(console);
        }
        if (!selfTestWrite)
        {
            return MachineExitCodes.Success;
        }
        if (!verdict.IsValid || !attributeProblem.IsEmpty || markerStore == null)
        {
            new ConsoleLine(line).Append("FIRMWARE SELFTEST-WRITE result=refused reason=")
                .Append(!verdict.IsValid ? verdict.ReasonName : !attributeProblem.IsEmpty ? attributeProblem : "no-marker-store")
                .WriteLine(console);
            return MachineExitCodes.Failure;
        }

        // Read the whole region, then write it back through FlashWriter, every block, headers kept bootable.
        int size = region.BlockSize * region.BlockCount;
        byte[] image = new byte[size];
        for (int lba = 0; lba < region.BlockCount; lba++)
        {
            FlashStatus read = region.TryRead(lba, 0, image.AsSpan(lba * region.BlockSize, region.BlockSize));
            if (read != FlashStatus.Ok)
            {
                new ConsoleLine(line).Append("FIRMWARE SELFTEST-WRITE result=read-failed block=").AppendDecimal((ulong)lba).WriteLine(console);
                return MachineExitCodes.Failure;
            }
        }
        // The full recovery protocol (marker InProgress, write every block, read back, marker Complete);
        // KeepBootable because OVMF faults at boot on an invalid store header (docs/firmware-regions.md).
        new ConsoleLine(line).Append("FIRMWARE SELFTEST-WRITE BEGIN blocks=").AppendDecimal((ulong)region.BlockCount).WriteLine(console);
        RecoveryResult recovery = RegionRecovery.Run(new FlashWriter(region, MaxAttempts), new ReportingMarkerStore(markerStore, console),
            target, image, FlashWriteMode.AllBlocks, HeaderBlockPolicy.KeepBootable);
        FlashWriteResult write = recovery.Write;
        new ConsoleLine(line).Append("FIRMWARE SELFTEST-WRITE recovery=").Append(FirmwareNames.Recovery(recovery.Status))
            .Append(" result=").Append(FirmwareNames.WriteStatus(write.Status))
            .Append(" block=").AppendDecimal((long)write.Block).Append(" written=").AppendDecimal((ulong)write.BlocksWritten)
            .Append(" skipped=").AppendDecimal((ulong)write.BlocksSkipped).Append(" erases=").AppendDecimal((ulong)write.Erases)
            .Append(" retries=").AppendDecimal((ulong)write.Retries).Append(" device=").Append(FirmwareNames.FlashStatus(write.DeviceStatus))
            .WriteLine(console);

        RegionVerdict after = RegionValidator.Validate(region, target, markerStore.Read(), block);
        PrintRegion(line, target, baseAddress, region, attributes, backing, after, console);
        return recovery.Status == RecoveryStatus.Recovered && after.IsValid ? MachineExitCodes.Success : MachineExitCodes.Failure;
    }

    /// <summary>
    /// "FIRMWARE FTW protocol=present max-block=0x.." or "protocol=absent status=0x..": whether the firmware
    /// publishes EFI_FAULT_TOLERANT_WRITE_PROTOCOL (docs/firmware-regions.md, why recovery does not use it on OVMF).
    /// </summary>
    private static void PrintFaultTolerantWrite(UefiBootServices services, Span<char> line, UefiConsole console)
    {
        EfiResult located = UefiFaultTolerantWrite.Locate(services, out UefiFaultTolerantWrite ftw);
        if (!located.IsSuccess)
        {
            new ConsoleLine(line).Append("FIRMWARE FTW protocol=absent status=").AppendHex(located.Status.Value).WriteLine(console);
            return;
        }
        EfiResult<ulong> maxBlock = ftw.GetMaxBlockSize();
        var text = new ConsoleLine(line).Append("FIRMWARE FTW protocol=present max-block=");
        if (maxBlock.TryGetValue(out ulong size))
            text.AppendHex(size);
        else
            text.Append("unknown status=").AppendHex(maxBlock.Status.Value);
        text.WriteLine(console);
    }

    private static void PrintRegion(Span<char> line, in RegionTarget target, ulong baseAddress,
        FvbFlashRegion region, uint attributes, FvbBacking backing, RegionVerdict verdict, UefiConsole console)
    {
        new ConsoleLine(line).Append("FIRMWARE REGION fs=").Append(target.FileSystemGuid)
            .Append(" base=").AppendHex(baseAddress).Append(" size=").AppendHex((ulong)region.BlockSize * (ulong)region.BlockCount)
            .Append(" blocks=").AppendDecimal((ulong)region.BlockCount).Append("x").AppendDecimal((ulong)region.BlockSize)
            .Append(" attrs=").AppendHex(attributes, 8).Append(" backing=").Append(FirmwareNames.Backing(backing))
            .Append(" verdict=").Append(verdict.IsValid ? "valid" : "invalid").Append(" reason=").Append(verdict.ReasonName)
            .Append(" message=\"").Append(verdict.Message).Append("\"").WriteLine(console);
    }

    // FVB attributes that forbid writing, and a RAM-backed emulation (not the real NV flash). LOCK_STATUS
    // is not checked: in PI it locks the attributes, not the blocks (OVMF reports it set and writes fine).
    private static ReadOnlySpan<char> AttributeProblem(uint attributes, FvbBacking backing)
    {
        if ((attributes & WriteStatus) == 0) return "write-disabled";
        if ((attributes & ErasePolarity) == 0) return "erase-polarity-zero";
        if (backing == FvbBacking.Ram) return "ram-backed-emulation";
        return default;
    }
}
