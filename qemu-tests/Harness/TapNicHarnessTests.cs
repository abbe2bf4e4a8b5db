using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>
/// QEMU on a tap device inside a test namespace, observed by a real peer: OVMF's own PXE client sends
/// (or iPXE's) DHCPDISCOVER through the NIC, and tcpdump on the bridge sees it come from the fixed MAC.
/// </summary>
public sealed class TapNicHarnessTests
{
    [RootTheory]
    [InlineData(NicModel.VirtioNetOvmfDriver)]
    [InlineData(NicModel.VirtioNetIpxe)]
    [InlineData(NicModel.E1000)]
    public async Task TapNic_FirmwareDhcp_DiscoverFromFixedMacSeenOnBridge(NicModel model)
    {
        using NetworkNamespace ns = NetworkNamespace.Create("qemu");
        string bridge = ns.AddBridge(ns.DeviceName("br"), "10.203.2.1/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess capture = ns.StartProcess(
            "tcpdump", "-l", "-n", "-e", "-i", bridge, "udp", "and", "dst", "port", "67");
        for (int i = 0; i < 100 && !capture.Output.Contains("listening on"); i++)
        {
            await Task.Delay(100); // tcpdump must be capturing before the guest can send
        }

        string runDirectory = TestEnvironment.NewRunDirectory("tap-nic-" + model);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspBuilder().BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            Nic = NicSetup.Tap(tap, model),
            NetworkNamespace = ns.Name,
            Timeout = TimeSpan.FromMinutes(4),
        });
        await using QemuRun run = machine.Start();

        // Whoever drives the NIC first (iPXE's ROM for e1000 / virtio with iPXE, OVMF's PXE for
        // virtio with romfile=) broadcasts DHCPDISCOVER from the NIC's MAC: poll the capture for it.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        bool seen = false;
        while (!seen && DateTime.UtcNow < deadline && !run.WaitForExitAsync().IsCompleted)
        {
            seen = capture.Output.Contains("52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff");
            if (!seen)
            {
                await Task.Delay(1000);
            }
        }
        QemuExit exit = await run.KillAsync();

        BootAssert.True(seen, exit, "no DHCP broadcast from 52:54:00:12:34:56 on the bridge; tcpdump saw:\n" + capture.Output);
    }
}
