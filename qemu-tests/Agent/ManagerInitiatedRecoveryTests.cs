using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
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
/// Manager-initiated recovery end to end (issue #13): the real manager's <c>serve</c> and <c>instruct</c>, Debian's kernel
/// with the NativeAOT agent booted from the ESP, OVMF and the app. Three boots of one machine (QEMU stops at each reset,
/// -no-reboot, and the next boot starts from the flash it left): (1) Linux: the agent takes the signed instruction, sets
/// BootNext and reboots; (2) the app, through BootNext: checks the instruction it left (trust.instruction, UUID, MAC,
/// counter), sends READINESS, recovers the VALID region from the capsule (a forced reflash the OS alone cannot ask for),
/// records what it installed on the ESP, reports the RESULT and resets; (3) Linux again through BootOrder: the agent
/// reports RUNNING with the recovered version, and refuses a replay (counter not above the one it took). The capsule's payload is the machine's own variable store (Boot0000 →
/// Linux), so the rewritten flash boots the OS again. Needs root; namespaces carry the prefix "mir".
/// </summary>
public sealed class ManagerInitiatedRecoveryTests
{
    private const string NamespacePrefix = "mir";
    private const string GuestAddress = E2eRecoveryLab.Subnet + ".50";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(12);

    private readonly ITestOutputHelper _output;

    public ManagerInitiatedRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Instruct_RunningLinux_AgentRebootsAppRecoversWithReadinessResetsAndLinuxReportsTheNewVersion()
    {
        LinuxGuest guest = await AgentGuestLab.BuildGuestAsync();
        string managerDll = await RecoveryManager.RequireAsync();
        string run = TestEnvironment.NewRunDirectory("manager-initiated");
        GptEspDisk disk = AgentGuestLab.BuildDisk(run, guest);
        string varsTemplate = AgentGuestLab.WriteVarsTemplate(run, disk, GuestAddress + "/24", idleSeconds: 0);
        // The capsule carries the machine's own store: the region is valid before, and boots Linux after.
        byte[] payload = File.ReadAllBytes(varsTemplate);
        string images = Directory.CreateDirectory(Path.Combine(run, "images")).FullName;
        await RecoveryManager.PackAsync(varsTemplate, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "machine-vars.cap"));
        string results = Path.Combine(run, "results.jsonl");

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        // serve holds the instruction key: it signs the instruction and follows it to the OS's return (§8.8).
        using NamespaceProcess serve = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(images, results, gatherSeconds: null) with
            {
                Name = "mir-test", StatusHttp = StatusEndpoint, InstructionKey = AgentGuestLab.InstructionKeyPath,
                InstructionCounterFile = Path.Combine(run, "instruction-key.counter"),
            });
        var timeline = new PhaseTimeline();

        // ---- boot 1: Linux; the agent takes the instruction and reboots ----
        string id;
        NamespaceProcess? instruct = null;
        try
        {
            string boot1 = Directory.CreateDirectory(Path.Combine(run, "1-linux")).FullName;
            await using (QemuRun linux = GuestMachine(boot1, disk, varsTemplate, segment).Start())
            {
                SerialLine? listening = await linux.Serial.WaitForLineAsync("^LISTENING udp=", StepTimeout);
                Assert.True(listening != null, "the agent did not start listening.\n" + linux.Serial.Text);
                Assert.True(linux.Serial.IndexOf("^UEFIRECOVERY-GUEST esp mounted") >= 0, "the ESP (the agent's state) is not mounted.\n" + linux.Serial.Text);
                timeline.Mark("instruct");
                instruct = StartInstructVia(segment, managerDll);
                SerialLine? taken = await linux.Serial.WaitForLineAsync("^INSTRUCTION done id=0x(?<id>[0-9A-F]{16}) ", StepTimeout);
                Assert.True(taken != null, "the agent did not take the instruction.\n" + instruct.Output + "\n" + linux.Serial.Text);
                id = Regex.Match(taken!.Text, "id=0x(?<id>[0-9A-F]{16})").Groups["id"].Value;
                timeline.Mark("agent acknowledged");
                QemuExit exit = await linux.WaitForExitAsync();
                Assert.False(exit.TimedOut || exit.KilledByHost, "QEMU did not stop at the agent's reboot.\n" + exit.SerialText);
                timeline.Mark("Linux rebooted");
                varsTemplate = Path.Combine(run, "vars-after-agent.fd");
                File.Copy(exit.VarsPath, varsTemplate);
            }

            // ---- boot 2: BootNext → the app: instruction taken, READINESS, recovery of the valid region, reset ----
            string boot2 = Directory.CreateDirectory(Path.Combine(run, "2-app")).FullName;
            QemuExit appExit;
            SerialLog app;
            await using (QemuRun recovering = GuestMachine(boot2, disk, varsTemplate, segment, RecoveryTimeout).Start())
            {
                SerialLine? banner = await recovering.Serial.WaitForLineAsync(EfiAppConsole.Banner, StepTimeout);
                Assert.True(banner != null, "BootNext did not start the app.\n" + recovering.Serial.Text);
                timeline.Mark("app started");
                appExit = await recovering.WaitForExitAsync();
                app = recovering.Serial;
                timeline.Mark("app reset");
            }
            string peers = "\nmanager:\n" + serve.Output;
            BootAssert.NotNull(app.Find(new Regex("^RECOVERY INSTRUCTION id=0x" + id + " counter=\\d+ last=0 verdict=Valid bytes=648$")), appExit, "the instruction checked" + peers);
            BootAssert.NotNull(app.Find(new Regex("^RECOVERY BEGIN mode=recover$")), appExit, "the instruction forcing recovery");
            BootAssert.NotNull(app.Find(new Regex(@"^RECOVERY REGION verdict=valid ")), appExit, "the region valid before");
            BootAssert.NotNull(app.Find(new Regex("^RECOVERY INSTRUCTION taken id=0x" + id + " counter=\\d+ managers=1 version=0x00010002$")), appExit, "the instruction taken");
            BootAssert.NotNull(app.Find(new Regex(@"^RECOVERY PHASE discovering manager=10\.216\.0\.1:40123 ")), appExit, "the instruction's manager asked");
            BootAssert.NotNull(app.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), appExit, "RESULT acknowledged" + peers);
            BootAssert.NotNull(app.Find(new Regex(@"^RECOVERY INSTALLED record=\\UEFIRECOVERY-INSTALLED\.TXT written=yes$")), appExit, "the installed record");
            BootAssert.NotNull(app.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")), appExit, "recovered");
            BootAssert.True(!appExit.TimedOut && !appExit.KilledByHost, appExit, "the app did not reset");
            byte[] flash = File.ReadAllBytes(appExit.VarsPath);
            BootAssert.True(payload.AsSpan().SequenceEqual(flash), appExit, "the flash differs from the payload in blocks " + FlashBlocks.Differing(payload, flash));
            string log = string.Join("\n", E2eRecoveryLab.ResultLines(results));
            Assert.Matches("\"clientId\":\"" + QemuMachineOptions.DefaultMacAddress + "\".*\"outcome\":\"success\",\"code\":0", log);

            // ---- boot 3: BootOrder → Linux again; the agent reports RUNNING with what the app installed ----
            string boot3 = Directory.CreateDirectory(Path.Combine(run, "3-linux")).FullName;
            string afterApp = Path.Combine(run, "vars-after-app.fd");
            File.Copy(appExit.VarsPath, afterApp);
            await using (QemuRun back = GuestMachine(boot3, disk, afterApp, segment).Start())
            {
                SerialLine? startup = await back.Serial.WaitForLineAsync("^STARTUP back after instruction id=0x" + id + " ", StepTimeout);
                Assert.True(startup != null, "the agent did not report the OS back.\n" + back.Serial.Text);
                timeline.Mark("Linux back, agent reported");
                Assert.Contains("recovered=0x00010002", startup!.Text);
                Assert.True(await back.Serial.WaitForLineAsync(@"^REPORT state=Running to=10\.216\.0\.1:40123", StepTimeout) != null, back.Serial.Text);
                Assert.True(await back.Serial.WaitForLineAsync("^LISTENING udp=", StepTimeout) != null, back.Serial.Text);
                // A properly signed instruction whose counter is not above the one taken before the reboot (kept on the ESP).
                byte[] replay = CraftedInstruction.Signed(AgentGuestLab.InstructionKeyPath, 1, DateTimeOffset.UtcNow.AddMinutes(10),
                    QemuMachineOptions.DefaultMacAddress, AgentGuestLab.SystemUuid, E2eRecoveryLab.HostAddress, E2eRecoveryLab.ManagerPort);
                await CraftedInstruction.SendAsync(segment.Namespace, run, "replayed", replay, GuestAddress, 40125);
                Assert.True(await back.Serial.WaitForLineAsync("^INSTRUCTION rejected .*reason=Replayed ", StepTimeout) != null,
                    "the replay was not refused.\n" + back.Serial.Text);
                QemuExit backExit = await back.KillAsync();
                Assert.Null(AgentGuestLab.Global(AgentGuestLab.CurrentVariables(backExit.VarsPath), "BootNext"));
            }

            // serve saw the whole life: instruct --via printed each state and ended with done (exit 0); the result log has it.
            bool ended = await instruct!.WaitForExitAsync(StepTimeout);
            string followed = instruct.Output;
            _output.WriteLine(followed);
            Assert.True(ended && instruct.ExitCode == 0, "instruct --via: " + (ended ? "exit " + instruct.ExitCode : "did not end") + "\n" + followed + "\nmanager:\n" + serve.Output);
            foreach (string state in new[] { "sent|acknowledged", "ready|receiving", "written", "done" })
                Assert.Matches("(?m)^state=(" + state + ") ", followed);
            Assert.Matches("(?m)^state=done .*recovered=0x00010002", followed);
            string instructionLine = E2eRecoveryLab.ResultLines(results).SingleOrDefault(l => l.Contains("\"kind\":\"instruction\"", StringComparison.Ordinal)) ?? "";
            Assert.Contains("\"outcome\":\"done\"", instructionLine);
            _output.WriteLine(instructionLine);

            // Targeting: serve's inventory now knows the machine runs 0x00010002 (its RESULT), so an instruction "if older
            // than 0x00010002" is skipped: nothing signed, nothing sent (exit 7).
            using (NamespaceProcess again = segment.Namespace.StartProcess("dotnet", managerDll, "instruct", "--via", "http://" + StatusEndpoint,
                "--agent", GuestAddress, "--mac", QemuMachineOptions.DefaultMacAddress, "--uuid", AgentGuestLab.SystemUuid,
                "--if-older-than", RecoveryManager.Version, "--timeout", "60"))
            {
                Assert.True(await again.WaitForExitAsync(TimeSpan.FromSeconds(120)), "instruct --if-older-than did not end: " + again.Output);
                Assert.True(again.ExitCode == 7, "instruct --if-older-than: exit " + again.ExitCode + "\n" + again.Output);
                Assert.Contains("skipped: already at 0x00010002", again.Output);
            }

            string figure = timeline.Describe("manager-initiated recovery (TCG, 2-core host): ");
            _output.WriteLine(figure);
            TestEnvironment.Repo.WriteFigure("manager-initiated.txt", figure);
        }
        finally
        {
            instruct?.Dispose();
        }
    }

    private static QemuMachine GuestMachine(string run, GptEspDisk disk, string vars, E2eSegment segment, TimeSpan? timeout = null) =>
        AgentGuestLab.Machine(run, disk, vars, segment, timeout ?? TimeSpan.FromMinutes(6), new[]
        {
            "uefirecovery.mode=auto",
            $"uefirecovery.ip={GuestAddress}/24",
            "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
            "uefirecovery.image-type=" + RecoveryManager.ImageType,
            "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
            "uefirecovery.trust.instruction=" + RecoveryManager.TestKeyHash,
        });

    private const string StatusEndpoint = "127.0.0.1:8480";

    /// <summary><c>instruct --via</c> in the namespace: serve signs and sends; this follows the states until done.</summary>
    private static NamespaceProcess StartInstructVia(E2eSegment segment, string managerDll) =>
        segment.Namespace.StartProcess("dotnet", managerDll, "instruct", "--via", "http://" + StatusEndpoint,
            "--agent", GuestAddress, "--mac", QemuMachineOptions.DefaultMacAddress, "--uuid", AgentGuestLab.SystemUuid,
            "--version", RecoveryManager.Version, "--timeout", "900");
}
