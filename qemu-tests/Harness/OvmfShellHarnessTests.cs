using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using UefiRecovery.Testbed.Tools;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>
/// Proves the test bed against OVMF alone, with no app of ours: with nothing bootable on the ESP,
/// OVMF falls back to its built-in UEFI Shell, which runs \startup.nsh. The script prints a sentinel,
/// dumps the SMBIOS OEM strings and ends QEMU through isa-debug-exit with the shell's `mm` command,
/// so every piece of the harness (ESP, OEM strings, serial capture, exit code, kept vars flash)
/// is checked against a real firmware.
/// </summary>
public sealed class OvmfShellHarnessTests
{
    private const string Sentinel = "uefirecovery-harness-sentinel";
    private static readonly Regex SentinelLine = new("^" + Sentinel + "$");

    // Debian's OVMF_VARS_4M.fd: one FV of 0x84000 bytes, FileSystemGuid EFI_SYSTEM_NV_DATA_FV_GUID
    // (PI spec vol. 3 §3.2.1 EFI_FIRMWARE_VOLUME_HEADER: guid at 0x10, FvLength at 0x20, "_FVH" at 0x28).
    private const int VarsFileLength = 540672;
    private static readonly Guid SystemNvDataFvGuid = new("FFF12B8D-7696-4C8B-A985-2747075B4F50");

    private static string StartupScript(int debugExitValue) =>
        "smbiosview -t 11\n" +
        "echo " + Sentinel + "\n" +
        // Writes one byte to I/O port 0xF4: QEMU exits with (value << 1) | 1.
        $"mm {QemuCommandLine.DebugExitIoBase:X2} {debugExitValue} -IO -w 1 -n\n";

    [Fact]
    public async Task StartupScript_EchoAndDebugExit_SentinelExitCodeOemStringsAndVarsFlashSeen()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("shell-folder");
        EspFolder esp = new EspBuilder()
            .WithTextFile("startup.nsh", StartupScript(debugExitValue: 2))
            .BuildFolder(Path.Combine(runDirectory, "esp"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            OemStrings = new[] { "uefirecovery.harness=oem-check", "with,comma=kept" },
            Timeout = TimeSpan.FromMinutes(3),
        });

        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();

        BootAssert.SentinelAndExitCode(exit, run.Serial.Find(SentinelLine), Sentinel, DebugExit.ExitCodeFor(2));
        BootAssert.True(exit.TryGetDebugExitValue(out int value) && value == 2, exit, "debug-exit value 2 not decoded");
        BootAssert.NotNull(run.Serial.Find(new Regex("^uefirecovery.harness=oem-check$")), exit, "first OEM string in smbiosview");
        BootAssert.NotNull(run.Serial.Find(new Regex("^with,comma=kept$")), exit, "OEM string with an escaped comma");

        byte[] vars = File.ReadAllBytes(exit.VarsPath);
        byte[] template = File.ReadAllBytes(HostTools.RequirePath(HostTool.OvmfVars));
        Assert.Equal(VarsFileLength, vars.Length);
        Assert.Equal(SystemNvDataFvGuid, new Guid(vars.AsSpan(0x10, 16)));
        Assert.Equal(0x84000UL, BitConverter.ToUInt64(vars, 0x20));
        Assert.Equal("_FVH"u8.ToArray(), vars.AsSpan(0x28, 4).ToArray());
        // OVMF stores boot options while it boots: the run's own copy was written, the template was not.
        Assert.False(vars.AsSpan().SequenceEqual(template), "the vars copy is unchanged: pflash unit 1 was not writable");
        Assert.True(template.AsSpan(0x10, 16).SequenceEqual(vars.AsSpan(0x10, 16)));
    }

    [Fact]
    public async Task VarsTemplate_MarkerInFtwSpare_RunStartsFromTemplateAndTemplateUntouched()
    {
        // The starting flash comes from VarsTemplatePath (how recovery tests hand in a prepared region).
        // The marker sits in the last bytes of the FTW spare block (OVMF 4M layout, OvmfPkg VarStore.fdf.inc:
        // variables 0x0-0x3FFFF, event log 0x40000, FTW working 0x41000, FTW spare 0x42000-0x83FFF),
        // which OVMF leaves alone unless a fault-tolerant write is pending.
        string runDirectory = TestEnvironment.NewRunDirectory("vars-template");
        byte[] marker = "UEFIRECOVERY-TEMPLATE-MARKER"u8.ToArray();
        byte[] prepared = File.ReadAllBytes(HostTools.RequirePath(HostTool.OvmfVars));
        marker.CopyTo(prepared.AsSpan(VarsFileLength - 32));
        string template = Path.Combine(runDirectory, "prepared-vars.fd");
        File.WriteAllBytes(template, prepared);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspBuilder().WithTextFile("startup.nsh", StartupScript(debugExitValue: 2)).BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            VarsTemplatePath = template,
            Timeout = TimeSpan.FromMinutes(3),
        });

        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();

        BootAssert.SentinelAndExitCode(exit, run.Serial.Find(SentinelLine), Sentinel, DebugExit.ExitCodeFor(2));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        Assert.Equal(marker, after.AsSpan(VarsFileLength - 32, marker.Length).ToArray());
        Assert.False(after.AsSpan().SequenceEqual(prepared), "OVMF wrote nothing: the run did not use its own writable copy");
        Assert.Equal(prepared, File.ReadAllBytes(template));
    }

    [Fact]
    public async Task StartupScript_OnFatImage_SentinelAndExitCodeSeen()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("shell-image");
        EspImage esp = new EspBuilder()
            .WithTextFile("startup.nsh", StartupScript(debugExitValue: 1))
            .WithTextFile("EFI/uefirecovery/readme.txt", "extra file in a subfolder\n")
            .BuildFatImage(Path.Combine(runDirectory, "esp.img"), sizeMiB: 16);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            Timeout = TimeSpan.FromMinutes(3),
        });

        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();

        BootAssert.SentinelAndExitCode(exit, run.Serial.Find(SentinelLine), Sentinel, DebugExit.ExitCodeFor(1));
    }

    [Fact]
    public async Task EmptyEsp_NothingEndsTheRun_HardTimeoutKillsQemu()
    {
        // The shell waits at its prompt forever: the run can only end through the hard timeout.
        string runDirectory = TestEnvironment.NewRunDirectory("hang");
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspBuilder().BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            Timeout = TimeSpan.FromSeconds(20),
        });

        await using QemuRun run = machine.Start();
        int pid = run.ProcessId;
        QemuExit exit = await run.WaitForExitAsync();

        BootAssert.True(exit.TimedOut, exit, "the run should have been killed by its timeout");
        BootAssert.True(exit.Elapsed >= TimeSpan.FromSeconds(20), exit, "killed before the timeout");
        BootAssert.True(!exit.TryGetDebugExitValue(out _), exit, "a killed run must not report a debug-exit value");
        BootAssert.True(!File.Exists($"/proc/{pid}/status"), exit, $"QEMU (pid {pid}) still exists after the timeout");
    }

    [Fact]
    public async Task UserModeNic_FixedMac_BroadcastFromThatMacInNicCapture()
    {
        // With a NIC and nothing on the ESP, OVMF's PXE client broadcasts DHCPDISCOVER. QEMU's
        // filter-dump records the NIC's frames: the broadcast's source must be the fixed MAC.
        string runDirectory = TestEnvironment.NewRunDirectory("user-nic");
        string capture = Path.Combine(runDirectory, "nic.pcap");
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = new EspBuilder().BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            Nic = NicSetup.User(NicModel.VirtioNetOvmfDriver),
            NicCapturePath = capture,
            Timeout = TimeSpan.FromMinutes(4),
        });

        await using QemuRun run = machine.Start();
        // Ethernet header of a broadcast from 52:54:00:12:34:56 (IEEE 802.3 §3.1.1: destination, then source).
        byte[] broadcastFromFixedMac = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
        bool seen = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (!seen && DateTime.UtcNow < deadline && !run.WaitForExitAsync().IsCompleted)
        {
            seen = File.Exists(capture) && ReadShared(capture).AsSpan().IndexOf(broadcastFromFixedMac) >= 0;
            if (!seen)
            {
                await Task.Delay(1000);
            }
        }
        QemuExit exit = await run.KillAsync();

        BootAssert.True(seen, exit, "no broadcast frame from 52:54:00:12:34:56 in " + capture);
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
