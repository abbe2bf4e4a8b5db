using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Power loss during the FVB write: a forced reflash (<c>uefirecovery.mode=recover</c>) of a valid region is
/// started from the real manager; once the app has written its ESP marker in-progress (the first write step,
/// docs/firmware-regions.md), QEMU is killed hard (SIGKILL) after a delay. The next boot, with the same vars
/// file and ESP image in <c>auto</c> mode, must find the region invalid (recovery-in-progress), recover it and
/// end byte-exact with the payload and a success RESULT. If OVMF itself cannot boot the half-written region,
/// the test fails saying so (that is a finding, not something to hide). Needs root; else skipped.
/// </summary>
public sealed class PowerLossRecoveryTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    private readonly ITestOutputHelper _output;

    public PowerLossRecoveryTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Rows: milliseconds between the in-progress marker line and the kill; whether the second boot meets the
    /// same manager process (a machine losing power while the manager runs on) or a restarted one.
    /// Not a row: 0 ms. Measured 2026-11-21: the kill landed after block 0's erase and its 0x48-byte FV header
    /// write but before the block map and variable store header; OVMF then #GP-faults before the boot manager
    /// (docs/firmware-regions.md, findings), so no app can run on that machine.
    /// </summary>
    [RootTheory]
    [InlineData(1000, false)]
    [InlineData(3000, false)]
    [InlineData(3000, true)]
    public async Task Recover_PowerLossDuringWrite_NextBootDetectsInvalidAndRecoversByteExact(int killAfterMs, bool sameManager)
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rog-powerloss-" + killAfterMs + (sameManager ? "-same" : "-restarted"));
        byte[] payload = RogueDonorLab.Payload();
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "ovmf-vars.cap"));
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: false);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create("rog");
        string bridge = ns.AddBridge(ns.DeviceName("br"), RogueDonorLab.HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await RogueDonorLab.ServeAsync(ns, images, results, rogue: false);

        // 1: forced reflash, killed during the write.
        var first = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-killed"),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = RogueDonorLab.MachineOemStrings("recover"),
            Timeout = RunTimeout,
        });
        QemuExit killed;
        SerialLine? marker;
        await using (QemuRun run = first.Start())
        {
            marker = await run.Serial.WaitForLineAsync(new Regex("^FIRMWARE MARKER state=in-progress written=yes$"), RunTimeout);
            if (killAfterMs > 0)
            {
                await Task.Delay(killAfterMs);
            }
            killed = await run.KillAsync();
            BootAssert.NotNull(marker, killed, "the in-progress marker (start of the write)\nmanager:\n" + manager.Output);
            bool completed = RogueDonorLab.IndexOf(run.Serial, "^FIRMWARE MARKER state=complete") >= 0;
            _output.WriteLine($"killed {killAfterMs} ms after the in-progress marker; write completed before the kill: {completed}");
            // A kill that lands after the whole write tests nothing about power loss: say so instead of passing.
            BootAssert.True(!completed, killed, "the write finished before the kill; this kill point no longer interrupts it");
        }
        byte[] interrupted = File.ReadAllBytes(killed.VarsPath);
        _output.WriteLine("blocks differing from the payload after the kill: " + RogueDonorLab.DifferingBlocks(payload, interrupted));

        // 2: power back on: same vars file, same ESP, auto mode; the manager ran on or was restarted.
        NamespaceProcess? restarted = null;
        if (!sameManager)
        {
            manager.Dispose();
            restarted = await RogueDonorLab.ServeAsync(ns, images, results, rogue: false);
        }
        using NamespaceProcess? disposeRestarted = restarted;
        NamespaceProcess serving = restarted ?? manager;
        var second = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "2-after-power-loss"),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = RogueDonorLab.MachineOemStrings("auto"),
            Timeout = TimeSpan.FromMinutes(5),
            VarsTemplatePath = killed.VarsPath,
        });
        await using QemuRun next = second.Start();
        QemuExit exit = await next.WaitForExitAsync();
        int acceptTimeouts = 0;
        foreach (SerialLine line in next.Serial.Lines)
        {
            acceptTimeouts += line.Text.EndsWith("reason=accept-timeout", StringComparison.Ordinal) ? 1 : 0;
        }
        _output.WriteLine($"second boot: {acceptTimeouts} ACCEPTs unanswered (RECOVERY PHASE discovering reason=accept-timeout)");
        string managerOutput = $"\n{acceptTimeouts} accept-timeouts; manager ({(sameManager ? "same process" : "restarted")}):\n" + serving.Output;
        BootAssert.NotNull(next.Serial.Find(new Regex("^RECOVERY BEGIN mode=auto$")), exit,
            $"the app after the power loss: OVMF did not start it from the half-written region (kill {killAfterMs} ms into the write)");
        SerialLine? verdict = next.Serial.Find(new Regex(@"^RECOVERY REGION verdict=invalid reason=\S+ message=""[^""]+"" marker=\S+$"));
        BootAssert.NotNull(verdict, exit, "an invalid verdict after the power loss");
        _output.WriteLine("verdict after the power loss: " + verdict!.Text);
        BootAssert.True(verdict.Text.Contains("reason=recovery-in-progress", StringComparison.Ordinal)
            && verdict.Text.EndsWith("marker=in-progress", StringComparison.Ordinal), exit, "recovery-in-progress from the marker: " + verdict.Text);
        BootAssert.NotNull(next.Serial.Find(new Regex(
            @"^RECOVERY WRITE recovery=recovered result=success block=-1 written=132 erases=132 retries=0$")), exit, "132 blocks written and read back" + managerOutput);
        BootAssert.NotNull(next.Serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged" + managerOutput);
        BootAssert.SentinelAndExitCode(exit, next.Serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));

        byte[] after = File.ReadAllBytes(exit.VarsPath);
        Assert.Equal(payload.Length, after.Length);
        Assert.True(payload.AsSpan().SequenceEqual(after), "vars file differs from the capsule payload in blocks " + RogueDonorLab.DifferingBlocks(payload, after));
        string log = File.Exists(results) ? File.ReadAllText(results) : "";
        _output.WriteLine("result log: " + log);
        Assert.Matches(new Regex(@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""success"",""code"":0"), log);
    }
}
