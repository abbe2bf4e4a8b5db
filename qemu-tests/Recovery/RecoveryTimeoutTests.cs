using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// <c>uefirecovery.timeout.recovery</c> and <c>uefirecovery.timeout.request-backoff</c> (docs/config.md): on a
/// segment where no manager answers, recovery asks with the configured backoff cap and gives up at the deadline
/// (measured by the guest's own clock), writing nothing and returning to the firmware instead of waiting forever.
/// Needs root (tap in a namespace). Namespaces and devices are prefixed "tru".
/// </summary>
public sealed class RecoveryTimeoutTests
{
    private const int DeadlineSeconds = 30;
    private const int BackoffSeconds = 2;

    private readonly ITestOutputHelper _output;

    public RecoveryTimeoutTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_NoManagerDeadlineConfigured_GivesUpWithReasonDeadlineNothingWritten()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("tru-deadline");
        byte[] template = E2eRecoveryLab.Interrupted(PristineVars.Read());
        string templatePath = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(templatePath, template);
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);

        // A bridge with nobody behind it: every REQUEST goes unanswered.
        using E2eSegment segment = E2eSegment.Create("tru");
        QemuMachine machine = segment.Machine(Path.Combine(runDirectory, "1-deadline"), esp,
            E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress).Concat(new[]
            {
                "uefirecovery.timeout.recovery=" + DeadlineSeconds, "uefirecovery.timeout.request-backoff=" + BackoffSeconds,
            }).ToArray(), TimeSpan.FromMinutes(5), templatePath);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY PHASE discovering manager=10\.216\.0\.1:40123 broadcast=yes backoff-max=2s deadline=30s$")),
            exit, "the discovering line with the configured timeouts");
        SerialLine? done = serial.Find(new Regex(@"^RECOVERY DONE verdict=failed reason=deadline seconds=30 requests=(\d+) held=0$"));
        BootAssert.SentinelAndExitCode(exit, done, "'RECOVERY DONE verdict=failed reason=deadline'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        _output.WriteLine(done!.Text);
        // Backoff 1, 2, 2, 2 ... s (±25 % jitter) in 30 s: at least 11 REQUESTs; the default 8 s cap would send about 6.
        int requests = int.Parse(new Regex(@"requests=(\d+)").Match(done.Text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        BootAssert.True(requests >= 11, exit, "REQUESTs in 30 s with a 2 s backoff cap: " + requests);
        BootAssert.True(serial.IndexOf("^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY PHASE writing)") < 0, exit,
            "a write step although no image arrived");

        byte[] after = File.ReadAllBytes(exit.VarsPath);
        Assert.Equal(template.Length, after.Length);
        Assert.True(after.AsSpan(5 * FlashBlocks.Size).SequenceEqual(template.AsSpan(5 * FlashBlocks.Size)),
            "blocks beyond OVMF's own variable writes changed: " + FlashBlocks.Differing(template, after));
    }
}
