using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Exercises the bindings against the real firmware, for the app's self-test mode under QEMU/OVMF.
/// Prints one "PASS uefi: ..." or "FAIL uefi: ..." line per check and returns the failure count.
/// Leaves the machine as it found it: protocols are closed again and the NIC is stopped again
/// (MnpDxe stays disconnected from it after the exclusive open, as it would for the app itself).
/// </summary>
public static unsafe class UefiBindingSelfCheck
{
    public static int Run(SystemTable* systemTable, EfiHandle imageHandle, UefiConsole console)
    {
        int failures = 0;
        var boot = new UefiBootServices(systemTable->BootServices, imageHandle);

        failures += Report(console, "system table signature", systemTable->Hdr.Signature == SystemTable.Signature);
        failures += Report(console, "boot services signature", systemTable->BootServices->Hdr.Signature == BootServices.Signature);
        failures += Report(console, "runtime services signature", systemTable->RuntimeServices->Hdr.Signature == RuntimeServices.Signature);

        using (var image = boot.OpenGetProtocol<LoadedImageProtocol>(imageHandle))
        {
            failures += Report(console, "loaded image opened by handle", image.IsOpen && image.Pointer->SystemTable == systemTable);
        }

        bool smbios = SmbiosFirmwareTable.TryGetTable(systemTable, out ReadOnlySpan<byte> table, out int limit, out _);
        failures += Report(console, "smbios entry point valid", smbios);
        if (smbios)
        {
            var walker = new SmbiosStructureWalker(table, limit);
            while (walker.TryNext(out _))
            {
            }

            failures += Report(console, "smbios table walked to its end",
                walker.Status == SmbiosWalkStatus.EndOfTable || walker.Status == SmbiosWalkStatus.EndOfData || walker.Status == SmbiosWalkStatus.CountReached);
        }

        failures += CheckNetwork(boot, console);
        failures += CheckFirmwareVolumes(boot, console);

        EfiResult<Time> now = new UefiRuntimeServices(systemTable->RuntimeServices).GetTime();
        failures += Report(console, "runtime GetTime", now.TryGetValue(out Time time) && time.Month >= 1 && time.Month <= 12);

        failures += Report(console, "cpu io2 located", boot.LocateProtocol(out CpuIo2Protocol* _).IsSuccess);
        return failures;
    }

    private static int CheckNetwork(UefiBootServices boot, UefiConsole console)
    {
        int failures = 0;
        using var handles = boot.LocateHandleBuffer<SimpleNetworkProtocol>();
        failures += Report(console, "snp handles located", handles.IsSuccess && handles.Handles.Length > 0);
        if (!handles.IsSuccess || handles.Handles.Length == 0)
        {
            return failures;
        }

        using var scope = boot.OpenExclusive<SimpleNetworkProtocol>(handles.Handles[0]);
        failures += Report(console, "snp opened exclusively", scope.IsOpen);
        if (!scope.IsOpen)
        {
            return failures;
        }

        var snp = new UefiSimpleNetwork(scope.Pointer);
        SimpleNetworkMode* mode = snp.Mode;
        failures += Report(console, "snp mode is ethernet", mode->HwAddressSize == 6 && mode->MediaHeaderSize == 14 && mode->MaxPacketSize >= 1500);

        // MnpDxe stops the NIC when the exclusive open disconnects it.
        bool wasStopped = mode->State == SimpleNetworkState.Stopped;
        if (wasStopped)
        {
            failures += Report(console, "snp start", snp.Start().IsSuccess);
        }

        if (mode->State == SimpleNetworkState.Started)
        {
            failures += Report(console, "snp initialize", snp.Initialize(0, 0).IsSuccess);
        }

        failures += Report(console, "snp initialized", mode->State == SimpleNetworkState.Initialized);
        failures += Report(console, "snp get status", snp.GetStatus().IsSuccess);

        Span<byte> frame = stackalloc byte[1600];
        EfiResult<ReceivedFrame> received = snp.Receive(frame);
        failures += Report(console, "snp receive answers", received.IsSuccess || received.Status == EfiStatus.NotReady);

        if (wasStopped)
        {
            failures += Report(console, "snp shutdown", snp.Shutdown().IsSuccess);
            failures += Report(console, "snp stop", snp.Stop().IsSuccess);
        }

        return failures;
    }

    private static int CheckFirmwareVolumes(UefiBootServices boot, UefiConsole console)
    {
        int failures = 0;
        using var handles = boot.LocateHandleBuffer<FirmwareVolumeBlock2Protocol>();
        failures += Report(console, "fvb handles located", handles.IsSuccess && handles.Handles.Length > 0);
        bool variableStoreSeen = false;
        Span<byte> header = stackalloc byte[FirmwareVolumeHeader.BlockMapOffset + 8];
        for (int i = 0; i < handles.Handles.Length; i++)
        {
            using var scope = boot.OpenGetProtocol<FirmwareVolumeBlock2Protocol>(handles.Handles[i]);
            if (!scope.IsOpen)
            {
                failures += Report(console, "fvb opened by handle", false);
                continue;
            }

            var fvb = new UefiFirmwareVolumeBlock(scope.Pointer);
            bool calls = fvb.GetAttributes().IsSuccess && fvb.GetBlockSize(0).IsSuccess && fvb.Read(0, 0, header).IsSuccess;
            failures += Report(console, "fvb attributes, block size, read", calls);
            if (!calls || !EfiGuid.TryRead(header.Slice(16), out EfiGuid fileSystem))
            {
                continue;
            }

            if (fileSystem.Equals(FirmwareVolumeHeader.SystemNvDataFvGuid))
            {
                variableStoreSeen = true;
            }
        }

        failures += Report(console, "variable store fv seen through fvb", variableStoreSeen);
        return failures;
    }

    private static int Report(UefiConsole console, string check, bool passed)
    {
        console.Write(passed ? "PASS uefi: " : "FAIL uefi: ");
        console.WriteLine(check);
        return passed ? 0 : 1;
    }
}
