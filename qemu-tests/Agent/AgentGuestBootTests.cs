using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Guest;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>
/// The agent in a real Linux guest under OVMF (issue #13, phase B groundwork): Debian's kernel booted from the ESP
/// through Boot0000, the NativeAOT agent in a busybox initramfs, the REAL manager's <c>instruct</c> in the test
/// namespace over a tap. In one boot: instructions for another MAC, for another system UUID and signed by an
/// untrusted key change nothing (vars file read while QEMU runs: no BootNext, no settings), then a valid one makes
/// the agent write its variables through efivarfs and reboot (before it, datagrams `instruct` never sends: unsigned,
/// tampered after signing, expired; each refused with its reason); QEMU stops at the reset (-no-reboot) and the vars file holds BootNext → an entry for
/// \EFI\BOOT\BOOTX64.EFI, the settings with the instruction's id, and BootOrder as it was; booted again from that
/// flash, OVMF starts the app through BootNext's entry and deletes BootNext. The app's side (READINESS, recovery,
/// reset back into Linux) is not built yet. Needs root; namespaces carry the prefix "agt".
/// </summary>
public sealed class AgentGuestBootTests
{
    private const string NamespacePrefix = "agt";
    private const string GuestAddress = E2eRecoveryLab.Subnet + ".50";
    private const int IdleSeconds = 15;
    private const string OtherMac = "52:54:00:00:00:99";
    private const string OtherUuid = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
    private static readonly TimeSpan GuestTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    private readonly ITestOutputHelper _output;

    public AgentGuestBootTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Instruct_RefusedThenThisMachine_NothingChangedThenBootNextToRecoveryAppSettingsWrittenAndNextBootStartsApp()
    {
        LinuxGuest guest = await AgentGuestLab.BuildGuestAsync();
        string manager = await RecoveryManager.RequireAsync();
        string run = TestEnvironment.NewRunDirectory("agent-guest");
        _output.WriteLine("guest " + guest.ContentKey + " kernel " + guest.KernelRelease + ", run " + run);
        GptEspDisk disk = AgentGuestLab.BuildDisk(run, guest);
        string varsTemplate = AgentGuestLab.WriteVarsTemplate(run, disk, GuestAddress + "/24", IdleSeconds);

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        QemuMachine machine = GuestMachine(run, disk, varsTemplate, segment);
        await using QemuRun qemu = machine.Start();
        SerialLine? userspace = await qemu.Serial.WaitForLineAsync(GuestInitScript.UserspacePattern, StepTimeout);
        Assert.True(userspace != null, "Linux did not reach userspace from Boot0000.\n" + qemu.Serial.Text);
        SerialLine? listening = await qemu.Serial.WaitForLineAsync("^LISTENING udp=", StepTimeout);
        Assert.True(listening != null, "the agent did not start listening.\n" + qemu.Serial.Text);
        SerialLine? idleFirst = await qemu.Serial.WaitForLineAsync(GuestInitScript.IdlePattern.Replace("(?<sample>[12])", "1"), StepTimeout);
        SerialLine? idleSecond = await qemu.Serial.WaitForLineAsync(GuestInitScript.IdlePattern.Replace("(?<sample>[12])", "2"), StepTimeout);
        Assert.True(idleFirst != null && idleSecond != null, "no idle samples of the agent.\n" + qemu.Serial.Text);
        ReportFigures(userspace!, listening!, idleFirst!, idleSecond!);
        var before = AgentGuestLab.CurrentVariables(qemu.VarsPath);
        byte[]? bootOrderBefore = AgentGuestLab.Global(before, "BootOrder");
        Assert.NotNull(bootOrderBefore);
        Assert.Equal(EspBootedGuest.LinuxBootNumber, BitConverter.ToUInt16(bootOrderBefore!, 0));

        // Instructions the agent must refuse: it logs each with its reason, answers nothing (exit 5) and writes nothing.
        string counterFile = Path.Combine(run, "instruction-key.counter");
        foreach (RefusedInstruction refused in RefusedInstructions())
        {
            (int refusedExit, string refusedOutput) = await InstructAsync(segment, manager, refused.Mac, refused.Uuid, refused.KeyPath,
                Path.Combine(run, refused.Name + ".counter"), timeoutSeconds: 6);
            Assert.True(refusedExit == 5, refused.Name + ": instruct exit " + refusedExit + "\n" + refusedOutput);
            SerialLine? rejected = await qemu.Serial.WaitForLineAsync(refused.LogPattern, StepTimeout);
            Assert.True(rejected != null, refused.Name + ": the agent did not log the refusal.\n" + qemu.Serial.Text);
        }
        // Datagrams `instruct` never sends: unsigned, tampered after signing, expired (signed properly).
        byte[] genuine = CraftedInstruction.Signed(AgentGuestLab.InstructionKeyPath, 7, DateTimeOffset.UtcNow.AddMinutes(10),
            QemuMachineOptions.DefaultMacAddress, AgentGuestLab.SystemUuid, E2eRecoveryLab.HostAddress, E2eRecoveryLab.ManagerPort);
        var crafted = new (string Name, byte[] Datagram, string Reason)[]
        {
            ("unsigned", CraftedInstruction.Unsigned(genuine), "Malformed"),
            ("tampered", CraftedInstruction.Tampered(genuine), "BadSignature"),
            ("expired", CraftedInstruction.Signed(AgentGuestLab.InstructionKeyPath, 8, DateTimeOffset.UtcNow.AddMinutes(-1),
                QemuMachineOptions.DefaultMacAddress, AgentGuestLab.SystemUuid, E2eRecoveryLab.HostAddress, E2eRecoveryLab.ManagerPort), "Expired"),
        };
        foreach ((string name, byte[] datagram, string reason) in crafted)
        {
            await CraftedInstruction.SendAsync(segment.Namespace, run, name, datagram, GuestAddress, 40125);
            SerialLine? rejected = await qemu.Serial.WaitForLineAsync("^INSTRUCTION rejected .*bytes=648 reason=" + reason + " ", StepTimeout);
            Assert.True(rejected != null, name + ": the agent did not log reason=" + reason + ".\n" + qemu.Serial.Text);
        }
        Assert.Equal(-1, qemu.Serial.IndexOf("^INSTRUCTION (accepted|done|failed)"));
        var afterRefusal = AgentGuestLab.CurrentVariables(qemu.VarsPath);
        Assert.Null(AgentGuestLab.Global(afterRefusal, "BootNext"));
        Assert.Null(AgentGuestLab.Recovery(afterRefusal, "UefiRecoveryConfig"));
        Assert.Null(AgentGuestLab.Recovery(afterRefusal, "UefiRecoveryInstruction"));
        Assert.Equal(bootOrderBefore, AgentGuestLab.Global(afterRefusal, "BootOrder"));

        // This machine's instruction: acknowledged as rebooting, then the guest resets and QEMU (-no-reboot) stops.
        (int exitCode, string output) = await InstructAsync(segment, manager, QemuMachineOptions.DefaultMacAddress, AgentGuestLab.SystemUuid,
            AgentGuestLab.InstructionKeyPath, counterFile, timeoutSeconds: 90);
        _output.WriteLine(output);
        Assert.True(exitCode == 0, "instruct for this machine: exit " + exitCode + "\n" + output + "\n" + qemu.Serial.Text);
        Match report = Regex.Match(output, @"state=Rebooting boot-entry=Boot(?<entry>[0-9A-F]{4})");
        Assert.True(report.Success, "no rebooting report: " + output);
        string id = Regex.Match(output, @"instruction id=0x(?<id>[0-9A-F]{16})").Groups["id"].Value;
        QemuExit exit = await qemu.WaitForExitAsync();
        Assert.False(exit.TimedOut || exit.KilledByHost, "QEMU did not stop at the guest's reboot.\n" + exit.SerialText);
        Assert.True(qemu.Serial.IndexOf("^INSTRUCTION done id=0x" + id + " ") >= 0, exit.SerialText);

        var after = AgentGuestLab.CurrentVariables(exit.VarsPath);
        byte[]? bootNext = AgentGuestLab.Global(after, "BootNext");
        Assert.True(bootNext is { Length: 2 }, "no BootNext in the vars file after the reboot");
        ushort next = BitConverter.ToUInt16(bootNext!, 0);
        Assert.Equal(report.Groups["entry"].Value, next.ToString("X4"));
        byte[]? entry = AgentGuestLab.Global(after, EspBootedGuest.BootVariable(next));
        Assert.NotNull(entry);
        Assert.Contains("\\EFI\\BOOT\\BOOTX64.EFI", Encoding.Unicode.GetString(entry!, 0, entry!.Length & ~1), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(bootOrderBefore, AgentGuestLab.Global(after, "BootOrder"));
        byte[]? config = AgentGuestLab.Recovery(after, "UefiRecoveryConfig");
        Assert.NotNull(config);
        string settings = Encoding.ASCII.GetString(config!);
        Assert.Contains("uefirecovery.mode=recover", settings);
        Assert.Contains("uefirecovery.manager=" + E2eRecoveryLab.Listen, settings);
        Assert.Contains("uefirecovery.instruction=0x" + id, settings, StringComparison.OrdinalIgnoreCase);
        byte[]? instruction = AgentGuestLab.Recovery(after, "UefiRecoveryInstruction");
        Assert.True(instruction is { Length: 648 }, "UefiRecoveryInstruction: " + (instruction?.Length.ToString() ?? "missing"));

        // The next boot (the flash as the reset left it): OVMF follows BootNext into the recovery app and consumes it.
        // What the app then does with the agent's settings is phase B's next step (today it refuses them, docs/config.md).
        string nextRun = TestEnvironment.NewRunDirectory("agent-guest-next");
        string nextTemplate = Path.Combine(nextRun, "vars-after-agent.fd");
        File.Copy(exit.VarsPath, nextTemplate);
        var nextMachine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = disk,
            RunDirectory = nextRun,
            Timeout = StepTimeout,
            VarsTemplatePath = nextTemplate,
            MemoryMiB = 512,
            ExtraArguments = new[] { "-uuid", AgentGuestLab.SystemUuid },
        });
        await using QemuRun nextBoot = nextMachine.Start();
        SerialLine? banner = await nextBoot.Serial.WaitForLineAsync(EfiAppConsole.Banner, StepTimeout);
        Assert.True(banner != null, "the boot after the agent's reset did not reach the recovery app.\n" + nextBoot.Serial.Text);
        int started = nextBoot.Serial.IndexOf("^BdsDxe: starting " + EspBootedGuest.BootVariable(next) + " ");
        Assert.True(started >= 0 && started < nextBoot.Serial.IndexOf(EfiAppConsole.Banner.ToString()), "the app was not started through BootNext's entry.\n" + nextBoot.Serial.Text);
        await Task.Delay(TimeSpan.FromSeconds(5));
        QemuExit nextExit = await nextBoot.KillAsync();
        _output.WriteLine("next boot, app lines:\n" + string.Join("\n", nextExit.SerialText.Split('\n').SkipWhile(l => !EfiAppConsole.Banner.IsMatch(l.Trim())).Take(25)));
        Assert.Null(AgentGuestLab.Global(AgentGuestLab.CurrentVariables(nextExit.VarsPath), "BootNext"));
    }

    [RootFact]
    public async Task Instruct_NoEfivarfs_AgentReportsNoEfivarfsAndNothingChanged()
    {
        LinuxGuest guest = await AgentGuestLab.BuildGuestAsync();
        string manager = await RecoveryManager.RequireAsync();
        string run = TestEnvironment.NewRunDirectory("agent-guest-noefivarfs");
        GptEspDisk disk = AgentGuestLab.BuildDisk(run, guest);
        string varsTemplate = AgentGuestLab.WriteVarsTemplate(run, disk, GuestAddress + "/24", idleSeconds: 0, mountEfivarfs: false);
        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        await using QemuRun qemu = GuestMachine(run, disk, varsTemplate, segment).Start();
        SerialLine? listening = await qemu.Serial.WaitForLineAsync("^LISTENING udp=", StepTimeout);
        Assert.True(listening != null, "the agent did not start listening.\n" + qemu.Serial.Text);
        var before = AgentGuestLab.CurrentVariables(qemu.VarsPath);

        (int exitCode, string output) = await InstructAsync(segment, manager, QemuMachineOptions.DefaultMacAddress, AgentGuestLab.SystemUuid,
            AgentGuestLab.InstructionKeyPath, Path.Combine(run, "instruction-key.counter"), timeoutSeconds: 60);

        Assert.True(exitCode == 1, "instruct without efivarfs in the guest: exit " + exitCode + "\n" + output + "\n" + qemu.Serial.Text);
        Assert.Matches(@"state=Failed .*failure=NoEfivarfs", output);
        SerialLine? failed = await qemu.Serial.WaitForLineAsync("^INSTRUCTION failed .*failure=NoEfivarfs", StepTimeout);
        Assert.True(failed != null, "the agent did not log the failure.\n" + qemu.Serial.Text);
        QemuExit exit = await qemu.KillAsync();
        Assert.Equal(-1, qemu.Serial.IndexOf("reboot: Restarting system"));
        var after = AgentGuestLab.CurrentVariables(exit.VarsPath);
        Assert.Null(AgentGuestLab.Global(after, "BootNext"));
        Assert.Null(AgentGuestLab.Recovery(after, "UefiRecoveryConfig"));
        Assert.Equal(before.Keys.OrderBy(k => k.Name).ThenBy(k => k.Vendor), after.Keys.OrderBy(k => k.Name).ThenBy(k => k.Vendor));
    }

    private static QemuMachine GuestMachine(string run, GptEspDisk disk, string varsTemplate, E2eSegment segment) =>
        AgentGuestLab.Machine(run, disk, varsTemplate, segment, GuestTimeout);

    private sealed record RefusedInstruction(string Name, string Mac, string Uuid, string KeyPath, string LogPattern);

    /// <summary>Refusals `instruct` can produce (a tampered, unsigned or replayed datagram needs a sender of its own: not yet).</summary>
    private static IEnumerable<RefusedInstruction> RefusedInstructions() => new[]
    {
        new RefusedInstruction("other-mac", OtherMac, AgentGuestLab.SystemUuid, AgentGuestLab.InstructionKeyPath,
            "^INSTRUCTION rejected .*reason=OtherMachine detail=\"target MAC " + OtherMac),
        new RefusedInstruction("other-uuid", QemuMachineOptions.DefaultMacAddress, OtherUuid, AgentGuestLab.InstructionKeyPath,
            "^INSTRUCTION rejected .*reason=OtherMachine detail=\"target system UUID " + OtherUuid + " is not this machine's \\(" + AgentGuestLab.SystemUuid + "\\)"),
        new RefusedInstruction("untrusted-key", QemuMachineOptions.DefaultMacAddress, AgentGuestLab.SystemUuid, RecoveryManager.UntrustedKey,
            "^INSTRUCTION rejected .*reason=UntrustedKey"),
    };

    private async Task<(int ExitCode, string Output)> InstructAsync(E2eSegment segment, string managerDll, string mac, string uuid, string keyPath,
        string counterFile, int timeoutSeconds)
    {
        using NamespaceProcess instruct = segment.Namespace.StartProcess("dotnet", managerDll, "instruct",
            "--agent", GuestAddress, "--key", keyPath, "--mac", mac, "--uuid", uuid,
            "--manager", E2eRecoveryLab.Listen, "--counter-file", counterFile, "--timeout", timeoutSeconds.ToString(CultureInfo.InvariantCulture),
            "--bind", E2eRecoveryLab.HostAddress);
        bool exited = await instruct.WaitForExitAsync(TimeSpan.FromSeconds(timeoutSeconds + 120));
        Assert.True(exited, "instruct did not end: " + instruct.Output);
        return (instruct.ExitCode, instruct.Output);
    }

    private void ReportFigures(SerialLine userspace, SerialLine listening, SerialLine idleFirst, SerialLine idleSecond)
    {
        Match first = Regex.Match(idleFirst.Text, GuestInitScript.IdlePattern);
        Match second = Regex.Match(idleSecond.Text, GuestInitScript.IdlePattern);
        long Ticks(Match m) => long.Parse(m.Groups["utime"].Value, CultureInfo.InvariantCulture) + long.Parse(m.Groups["stime"].Value, CultureInfo.InvariantCulture);
        string uptime = Regex.Match(userspace.Text, GuestInitScript.UserspacePattern).Groups["uptime"].Value;
        string figure = string.Create(CultureInfo.InvariantCulture,
            $"guest (TCG): userspace at {userspace.Elapsed.TotalSeconds:F1} s after QEMU start (kernel uptime {uptime} s), agent LISTENING at {listening.Elapsed.TotalSeconds:F1} s\n"
            + $"agent idle: {Ticks(second) - Ticks(first)} ticks of {GuestInitScript.TicksPerSecond}/s CPU in {second.Groups["seconds"].Value} s "
            + $"(start-up before that: {Ticks(first)} ticks); VmRSS {first.Groups["rss"].Value} kB then {second.Groups["rss"].Value} kB\n");
        _output.WriteLine(figure);
        TestEnvironment.Repo.WriteFigure("agent-guest.txt", figure);
    }
}
