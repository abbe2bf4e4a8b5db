using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Network;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.App;

/// <summary>
/// Where the app's seeds come from (efi-app/src/Platform/EntropySource.cs, docs/netstack.md "Seeds"):
/// EFI_RNG_PROTOCOL when the firmware offers one (OVMF's VirtioRngDxe on a virtio-rng device), else
/// RDRAND, else the MAC and counters alone. Each boot runs netdiag on QEMU's user-mode network (its
/// built-in DHCP server), which needs no root, and records the NIC's frames with filter-dump.
/// </summary>
public sealed class EntropyBootTests
{
    private static readonly Regex Entropy = new(
        "^ENTROPY source=(?<source>efi-rng|rdrand|rndr|mac-counter) efi-rng=(?<rng>[\\w-]+) (?<cpu>rdrand|rndr)=(?<rdrand>[\\w-]+)$");

    [Fact]
    public async Task Boot_VirtioRngDevice_SeedsFromEfiRng()
    {
        NetDiagBoot boot = await NetDiagBoot.RunAsync("entropy-efi-rng", "-device", "virtio-rng-pci");

        Match line = boot.EntropyLine();
        BootAssert.True(line.Groups["source"].Value == "efi-rng" && line.Groups["rng"].Value == "ok", boot.Exit,
            "OVMF with virtio-rng-pci (VirtioRngDxe) should seed from EFI_RNG_PROTOCOL");
    }

    [Fact]
    public async Task Boot_NoRngDeviceCpuWithRdRand_SeedsFromRdRand()
    {
        // TCG's "max" model has RDRAND (CPUID.01H:ECX[30]); the default qemu64 model does not.
        NetDiagBoot boot = await NetDiagBoot.RunAsync("entropy-rdrand", "-cpu", "max");

        Match line = boot.EntropyLine();
        BootAssert.True(line.Groups["rng"].Value == "absent", boot.Exit, "no virtio-rng device, yet the firmware offered EFI_RNG_PROTOCOL");
        BootAssert.True(line.Groups["source"].Value == "rdrand" && line.Groups["rdrand"].Value == "ok", boot.Exit,
            "a CPU with RDRAND and no firmware RNG should seed from RDRAND");
    }

    [Fact]
    public async Task Boot_NoRngDeviceNoRdRand_FallsBackToMacCounter()
    {
        NetDiagBoot boot = await NetDiagBoot.RunAsync("entropy-none");

        Match line = boot.EntropyLine();
        BootAssert.True(line.Groups["source"].Value == "mac-counter" && line.Groups["rng"].Value == "absent"
            && line.Groups["rdrand"].Value == "unsupported", boot.Exit,
            "qemu64 without virtio-rng has neither source: the MAC and counters are the last resort");
    }

    /// <summary>
    /// AArch64 (AAVMF): the same order with RNDR as the CPU source. <c>-cpu max</c> has FEAT_RNG, Cortex-A57 does not
    /// (a later -cpu overrides the test bed's); AAVMF 2022.11 binds virtio-rng-pci with VirtioRngDxe.
    /// </summary>
    [Theory]
    [InlineData("virtio-rng", "efi-rng", "ok", "not-tried", new[] { "-device", "virtio-rng-pci" })]
    [InlineData("rndr", "rndr", "absent", "ok", new string[0])]
    [InlineData("none", "mac-counter", "absent", "unsupported", new[] { "-cpu", "cortex-a57" })]
    public async Task Boot_Arm64EntropySources_BestAvailableChosen(string label, string source, string rng, string rndr, string[] extraArguments)
    {
        NetDiagBoot boot = await NetDiagBoot.RunAsync("entropy-arm64-" + label, QemuArch.Arm64, extraArguments);

        Match line = boot.EntropyLine();
        BootAssert.True(line.Groups["cpu"].Value == "rndr", boot.Exit, "the CPU source on arm64 is RNDR");
        BootAssert.True(line.Groups["source"].Value == source && line.Groups["rng"].Value == rng && line.Groups["rdrand"].Value == rndr,
            boot.Exit, $"expected source={source} efi-rng={rng} rndr={rndr}");
    }

    /// <summary>
    /// Two boots of the same machine (same MAC, same pristine vars, so the same firmware counters) must
    /// start DHCP with different transaction ids: read from the frames the NIC really sent.
    /// </summary>
    [Fact]
    public async Task Boot_SameMachineTwice_DhcpDiscoverXidsDiffer()
    {
        NetDiagBoot first = await NetDiagBoot.RunAsync("entropy-xid-1", "-device", "virtio-rng-pci");
        NetDiagBoot second = await NetDiagBoot.RunAsync("entropy-xid-2", "-device", "virtio-rng-pci");

        // Tied to the hardware source: without it, the xid still varies with TCG's timing now and then,
        // which proves nothing (two mac-counter boots here sent the same xid 0x262cfaa3).
        BootAssert.True(first.EntropyLine().Groups["source"].Value == "efi-rng", first.Exit, "first boot not seeded from efi-rng");
        BootAssert.True(second.EntropyLine().Groups["source"].Value == "efi-rng", second.Exit, "second boot not seeded from efi-rng");
        uint? firstXid = DhcpDiscoverXid.First(first.Capture);
        uint? secondXid = DhcpDiscoverXid.First(second.Capture);
        BootAssert.True(firstXid != null, first.Exit, "no DHCPDISCOVER from the app in " + first.CapturePath);
        BootAssert.True(secondXid != null, second.Exit, "no DHCPDISCOVER from the app in " + second.CapturePath);
        BootAssert.True(firstXid != secondXid, second.Exit,
            $"both boots sent DHCPDISCOVER xid 0x{firstXid:x8}: the seed does not change between boots");
    }

    private sealed record NetDiagBoot(QemuExit Exit, SerialLog Serial, string CapturePath, byte[] Capture)
    {
        public static Task<NetDiagBoot> RunAsync(string label, params string[] extraArguments) =>
            RunAsync(label, QemuArch.X64, extraArguments);

        public static async Task<NetDiagBoot> RunAsync(string label, QemuArch arch, string[] extraArguments)
        {
            string runDirectory = TestEnvironment.NewRunDirectory(label);
            string capture = Path.Combine(runDirectory, "nic.pcap");
            var machine = new QemuMachine(new QemuMachineOptions
            {
                Arch = arch,
                BootDisk = new EspBuilder().WithBootApplication(EfiAppBinary.Require(arch), arch.EspBootPath).BuildFolder(Path.Combine(runDirectory, "esp")),
                RunDirectory = runDirectory,
                Nic = NicSetup.User(NicModel.VirtioNetOvmfDriver),
                NicCapturePath = capture,
                OemStrings = new[] { NetDiagConsole.ModeOemString, EfiAppConsole.DebugExitOemString, NetDiagConsole.TimeoutOemString(1) },
                ExtraArguments = extraArguments,
                Timeout = TimeSpan.FromMinutes(5),
            });
            await using QemuRun run = machine.Start();
            QemuExit exit = await run.WaitForExitAsync();
            BootAssert.SentinelAndExitCode(exit, run.Serial.Find(NetDiagConsole.Done), "'NETDIAG DONE'",
                DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
            BootAssert.NotNull(run.Serial.Find(NetDiagConsole.Lease), exit, "NETDIAG LEASE line (slirp's DHCP server)");
            byte[] frames = File.Exists(capture) ? File.ReadAllBytes(capture) : Array.Empty<byte>();
            return new NetDiagBoot(exit, run.Serial, capture, frames);
        }

        public Match EntropyLine()
        {
            SerialLine? line = Serial.Find(Entropy);
            BootAssert.NotNull(line, Exit, "ENTROPY source=... efi-rng=... rdrand|rndr=...");
            int count = 0;
            foreach (SerialLine any in Serial.Lines)
            {
                if (any.Text.StartsWith("ENTROPY ", StringComparison.Ordinal))
                    count++;
            }
            BootAssert.True(count == 1, Exit, $"the ENTROPY line must be printed once, saw {count}");
            return Entropy.Match(line!.Text);
        }
    }

    /// <summary>
    /// The xid of the first DHCPDISCOVER the app sent, in the NIC's pcap capture (testbed's <see cref="PcapFile"/> and
    /// <see cref="CapturedDatagram"/> read the frames), every length checked before it is read. Formats: BOOTP/DHCP
    /// (RFC 2131 §2, message type option 53 of RFC 2132 §9.6).
    /// </summary>
    private static class DhcpDiscoverXid
    {
        private const int BootpFixed = 236;

        public static uint? First(byte[] pcap)
        {
            if (!PcapFile.TryParse(pcap, out List<CapturedFrame> frames, out _))
                return null;
            foreach (CapturedFrame frame in frames)
            {
                if (CapturedDatagram.TryParse(frame, out CapturedDatagram datagram) && datagram.Protocol == CapturedDatagram.ProtocolUdp
                    && datagram.SourcePort == 68 && datagram.DestinationPort == 67)
                {
                    uint? xid = DiscoverXid(datagram.Payload);
                    if (xid != null)
                        return xid;
                }
            }
            return null;
        }

        private static uint? DiscoverXid(ReadOnlySpan<byte> bootp)
        {
            if (bootp.Length < BootpFixed + 4 || bootp[0] != 1)
                return null;
            // Options after the magic cookie 99.130.83.99: 53 (message type) = 1 is a DISCOVER, and the
            // app's carry option 60 "UefiRecovery" (docs/netstack.md), unlike OVMF's own PXE attempts.
            int i = BootpFixed + 4;
            bool discover = false;
            bool fromApp = false;
            while (i < bootp.Length && bootp[i] != 255)
            {
                if (bootp[i] == 0)
                {
                    i++;
                    continue;
                }
                if (2 > bootp.Length - i || bootp[i + 1] > bootp.Length - i - 2)
                    return null;
                if (bootp[i] == 53 && bootp[i + 1] == 1 && bootp[i + 2] == 1)
                    discover = true;
                if (bootp[i] == 60 && bootp.Slice(i + 2, bootp[i + 1]).SequenceEqual("UefiRecovery"u8))
                    fromApp = true;
                i += 2 + bootp[i + 1];
            }
            return discover && fromApp ? (uint)((bootp[4] << 24) | (bootp[5] << 16) | (bootp[6] << 8) | bootp[7]) : null;
        }
    }
}
