using System;
using System.Runtime.InteropServices;
using Internal.Runtime;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi;

/// <summary>
/// A stand-alone EFI app that runs <see cref="UefiBindingSelfCheck"/> plus a destructive FVB round
/// trip (erase, write, read back, restore the last block of the variable store FV) and exits QEMU
/// through isa-debug-exit: 67 when everything passed, 69 otherwise. Built and run by run-smoke.sh;
/// not part of the xUnit project (it needs the shim's internals and real firmware).
/// </summary>
internal static unsafe class SmokeEntry
{
    [UnmanagedCallersOnly(EntryPoint = "EfiMain")]
    private static nuint EfiMain(void* imageHandle, SystemTable* systemTable)
    {
        EfiRuntime.Initialize(imageHandle, systemTable);
        var console = new UefiConsole(systemTable->ConOut);
        var boot = new UefiBootServices(systemTable->BootServices, new EfiHandle(imageHandle));
        console.WriteLine("uefi-smoke: start");
        boot.DisableWatchdog();
        int failures = UefiBindingSelfCheck.Run(systemTable, boot.ImageHandle, console);

        Span<char> mode = stackalloc char[32];
        if (SmbiosFirmwareTable.TryGetTable(systemTable, out ReadOnlySpan<byte> table, out int limit, out _) &&
            SmbiosOemStrings.TryFindValue(table, limit, "uefirecovery.mode="u8, mode, out int written))
        {
            console.Write("mode=");
            console.WriteLine(mode.Slice(0, written));
        }

        failures += FvbRoundTrip(boot, console);
        failures += ArpRoundTrip(boot, console);
        console.WriteLine(failures == 0 ? "uefi-smoke: all passed" : "uefi-smoke: FAILURES");
        if (boot.LocateProtocol(out CpuIo2Protocol* cpuIo).IsSuccess)
        {
            byte code = failures == 0 ? (byte)0x21 : (byte)0x22;
            cpuIo->Io.Write(cpuIo, CpuIoProtocolWidth.Uint8, 0xF4, 1, &code);
        }

        return 0;
    }

    /// <summary>Destructive (on this run's vars copy): erase the vars FV's last block, write a pattern, read it back, restore.</summary>
    private static int FvbRoundTrip(UefiBootServices boot, UefiConsole console)
    {
        using var handles = boot.LocateHandleBuffer<FirmwareVolumeBlock2Protocol>();
        byte* header = stackalloc byte[64];
        for (int i = 0; i < handles.Handles.Length; i++)
        {
            using var scope = boot.OpenGetProtocol<FirmwareVolumeBlock2Protocol>(handles.Handles[i]);
            var fvb = new UefiFirmwareVolumeBlock(scope.Pointer);
            if (!fvb.Read(0, 0, new Span<byte>(header, 64)).IsSuccess || !((FirmwareVolumeHeader*)header)->FileSystemGuid.Equals(FirmwareVolumeHeader.SystemNvDataFvGuid))
            {
                continue;
            }

            FvbBlockRun run = fvb.GetBlockSize(0).Value;
            ulong last = run.NumberOfBlocks - 1;
            int size = (int)run.BlockSize;
            byte* original = stackalloc byte[size];
            byte* check = stackalloc byte[size];
            int f = 0;
            f += Report(console, "fvb read last block", fvb.Read(last, 0, new Span<byte>(original, size)).IsSuccess);
            f += Report(console, "fvb erase last block", fvb.EraseBlocks(last, 1).IsSuccess);
            // OVMF's QemuFlashEraseBlock leaves the CFI flash in read-status mode; any write restores read-array mode.
            byte ff = 0xFF;
            fvb.Write(last, 0, new ReadOnlySpan<byte>(&ff, 1));
            f += Report(console, "fvb erased reads ff", fvb.Read(last, 0, new Span<byte>(check, size)).IsSuccess && AllAre(check, size, 0xFF));
            for (int j = 0; j < 256; j++)
            {
                check[j] = (byte)j;
            }

            f += Report(console, "fvb write pattern", fvb.Write(last, 100, new ReadOnlySpan<byte>(check, 256)).IsSuccess);
            byte* back = stackalloc byte[256];
            bool same = fvb.Read(last, 100, new Span<byte>(back, 256)).IsSuccess;
            for (int j = 0; j < 256; j++)
            {
                same &= back[j] == (byte)j;
            }

            f += Report(console, "fvb pattern reads back", same);
            f += Report(console, "fvb restore", fvb.EraseBlocks(last, 1).IsSuccess && fvb.Write(last, 0, new ReadOnlySpan<byte>(original, size)).IsSuccess);
            console.WriteLine(fvb.Read(last - 1, (nuint)size - 8, new Span<byte>(check, 16)).IsSuccess ? "info: cross-block read allowed" : "info: cross-block read refused");
            return f;
        }

        return Report(console, "fvb vars volume found", false);
    }

    /// <summary>
    /// Sends an ARP request for QEMU's user-mode gateway (10.0.2.2) from 10.0.2.15 and waits for the
    /// reply: Transmit, GetStatus (recycled buffer) and Receive through the real driver. The traffic
    /// stays inside QEMU's slirp (restrict=on).
    /// </summary>
    private static int ArpRoundTrip(UefiBootServices boot, UefiConsole console)
    {
        using var handles = boot.LocateHandleBuffer<SimpleNetworkProtocol>();
        if (!handles.IsSuccess || handles.Handles.Length == 0)
        {
            return Report(console, "arp: snp present", false);
        }

        using var scope = boot.OpenExclusive<SimpleNetworkProtocol>(handles.Handles[0]);
        var snp = new UefiSimpleNetwork(scope.Pointer);
        int f = 0;
        if (snp.Mode->State == SimpleNetworkState.Stopped)
        {
            f += Report(console, "arp: start", snp.Start().IsSuccess);
        }

        if (snp.Mode->State == SimpleNetworkState.Started)
        {
            f += Report(console, "arp: initialize", snp.Initialize(0, 0).IsSuccess);
        }

        f += Report(console, "arp: receive filters", snp.ReceiveFilters(
            SimpleNetworkReceiveFilter.Unicast | SimpleNetworkReceiveFilter.Broadcast, 0, false).IsSuccess);

        byte* frame = stackalloc byte[60];
        new Span<byte>(frame, 60).Clear();
        MacAddress self = snp.Mode->CurrentAddress;
        for (int i = 0; i < 6; i++)
        {
            frame[i] = 0xFF;
            frame[6 + i] = self.Addr[i];
            frame[22 + i] = self.Addr[i];
        }

        frame[12] = 0x08; frame[13] = 0x06;               // EtherType ARP
        frame[14] = 0x00; frame[15] = 0x01;               // htype Ethernet
        frame[16] = 0x08; frame[17] = 0x00;               // ptype IPv4
        frame[18] = 6; frame[19] = 4; frame[21] = 1;      // hlen, plen, op request
        frame[28] = 10; frame[29] = 0; frame[30] = 2; frame[31] = 15; // sender 10.0.2.15
        frame[38] = 10; frame[39] = 0; frame[40] = 2; frame[41] = 2;  // target 10.0.2.2
        f += Report(console, "arp: transmit", snp.Transmit(new ReadOnlySpan<byte>(frame, 60)).IsSuccess);

        bool recycled = false;
        bool replied = false;
        Span<byte> buffer = stackalloc byte[1536];
        for (int tick = 0; tick < 3000 && !(recycled && replied); tick++)
        {
            if (snp.GetStatus().TryGetValue(out SimpleNetworkStatus status) && status.RecycledTransmitBuffer == frame)
            {
                recycled = true;
            }

            if (snp.Receive(buffer).TryGetValue(out ReceivedFrame received) &&
                received.Length >= 42 && buffer[12] == 0x08 && buffer[13] == 0x06 && buffer[21] == 2 &&
                buffer[28] == 10 && buffer[29] == 0 && buffer[30] == 2 && buffer[31] == 2 &&
                received.HeaderSize == 14)
            {
                replied = true;
            }

            boot.Stall(1000);
        }

        f += Report(console, "arp: transmit buffer recycled", recycled);
        f += Report(console, "arp: reply from 10.0.2.2 received", replied);
        f += Report(console, "arp: shutdown and stop", snp.Shutdown().IsSuccess && snp.Stop().IsSuccess);
        return f;
    }

    private static bool AllAre(byte* p, int n, byte v)
    {
        for (int i = 0; i < n; i++)
        {
            if (p[i] != v)
            {
                return false;
            }
        }

        return true;
    }

    private static int Report(UefiConsole console, string what, bool ok)
    {
        console.Write(ok ? "PASS " : "FAIL ");
        console.WriteLine(what);
        return ok ? 0 : 1;
    }
}
