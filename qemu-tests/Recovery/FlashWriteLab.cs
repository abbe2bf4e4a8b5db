using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Recoveries whose region differs from the image in chosen blocks, with the real manager (ChangedBlocksRecoveryTests,
/// the flash-write figures). OVMF writes variables into the NV region at every boot before any app runs, so "the
/// region differs in one block" must hold at the moment the app compares: <see cref="RecoverFromSeenAsync"/> makes
/// the image from the region as that boot's app sees it.
/// </summary>
internal sealed class FlashWriteLab : IDisposable
{
    private readonly E2eSegment _segment;
    private NamespaceProcess? _manager;

    private FlashWriteLab(string runDirectory, E2eSegment segment)
    {
        RunDirectory = runDirectory;
        _segment = segment;
    }

    public string RunDirectory { get; }

    public string ResultsPath => Path.Combine(RunDirectory, "results.jsonl");

    public string ManagerOutput => _manager?.Output ?? "";

    public const string Mac = "52:54:00:12:36:01";
    public const string Address = E2eRecoveryLab.Subnet + ".30";

    public static FlashWriteLab Create(string label) => new(TestEnvironment.NewRunDirectory(label), E2eSegment.Create());

    /// <summary>Signs <paramref name="payload"/> (the real manager's image pack) and (re)starts serve with it alone: a fresh manager, no client known.</summary>
    public async Task ServeAsync(string name, byte[] payload, int gatherSeconds = 0)
    {
        _manager?.Dispose();
        string directory = Directory.CreateDirectory(Path.Combine(RunDirectory, name)).FullName;
        string payloadPath = Path.Combine(directory, "payload.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(directory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "vars.cap"));
        _manager = await RecoveryManager.ServeAsync(_segment.Namespace, E2eRecoveryLab.Serve(images, ResultsPath, gatherSeconds));
    }

    /// <summary>An interrupted recovery of <paramref name="start"/> (ESP marker in-progress, auto mode) in the given write mode, from the manager already serving.</summary>
    public async Task<FlashWriteRun> RecoverAsync(string name, byte[] start, string writeMode)
    {
        QemuMachine machine = Machine(Path.Combine(RunDirectory, name), start, OemStrings(writeMode), interruptedMarker: true);
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        return new FlashWriteRun(exit, run.Serial, File.ReadAllBytes(exit.VarsPath), Array.Empty<byte>());
    }

    /// <summary>
    /// As <see cref="RecoverAsync"/>, with the image made from the region as this very boot's app sees it: OVMF's
    /// own boot writes are not repeatable byte for byte (its Ip4Dxe stores a per-NIC variable whose content changes
    /// at every boot), so no earlier boot can tell what the app will compare. Once the app has printed its verdict
    /// (it reads the region then, and nothing writes it until the recovery does), the flash file is read,
    /// <paramref name="makeImage"/> turns it into the image, and the manager is (re)started with it; the app, asking
    /// every second meanwhile, gets it from its next REQUEST. <see cref="FlashWriteRun.Seen"/> is that region.
    /// </summary>
    public async Task<FlashWriteRun> RecoverFromSeenAsync(string name, byte[] start, string writeMode, Func<byte[], byte[]> makeImage)
    {
        _manager?.Dispose();
        _manager = null;
        QemuMachine machine = Machine(Path.Combine(RunDirectory, name), start, OemStrings(writeMode), interruptedMarker: true);
        await using QemuRun run = machine.Start();
        SerialLine? verdict = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY REGION "), TimeSpan.FromMinutes(3));
        if (verdict == null)
        {
            QemuExit early = await run.KillAsync();
            BootAssert.Fail(early, "no RECOVERY REGION line");
        }
        byte[] seen = E2eRecoveryLab.ReadWhileRunning(run.VarsPath);
        await ServeAsync(name + "-serve", makeImage(seen));
        QemuExit exit = await run.WaitForExitAsync();
        return new FlashWriteRun(exit, run.Serial, File.ReadAllBytes(exit.VarsPath), seen);
    }

    // A REQUEST every second while no manager answers (the manager may start after the app).
    private static List<string> OemStrings(string writeMode) => new(E2eRecoveryLab.MachineOemStrings("auto", Address))
    {
        "uefirecovery.flash.write=" + writeMode,
        "uefirecovery.log=debug",
        "uefirecovery.timeout.request-backoff=1",
    };

    private QemuMachine Machine(string directory, byte[] start, IReadOnlyList<string> oemStrings, bool interruptedMarker)
    {
        Directory.CreateDirectory(directory);
        string template = Path.Combine(directory, "start-vars.fd");
        File.WriteAllBytes(template, start);
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(directory, "esp.img"), interruptedMarker);
        return _segment.Machine(directory, esp, oemStrings, TimeSpan.FromMinutes(5), template, Mac);
    }

    public void Dispose()
    {
        _manager?.Dispose();
        _segment.Dispose();
    }
}

/// <summary>One recovery boot of <see cref="FlashWriteLab"/>: how it ended, its console, the flash afterwards, and the region its app compared (when captured).</summary>
internal sealed record FlashWriteRun(QemuExit Exit, SerialLog Serial, byte[] VarsAfter, byte[] Seen)
{
    private static readonly Regex WriteLine = new(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=(?<written>\d+) erases=(?<erases>\d+) retries=0$");
    private static readonly Regex DetailLine = new(@"^RECOVERY WRITE-DETAIL mode=(?<mode>\S+) skipped=(?<skipped>\d+) in-place=(?<inplace>\d+) bytes=(?<bytes>\d+) header-erased=(?<header>yes|no) ms=(?<ms>\d+) region-sha256=(?<sha>[0-9a-f]{64})$");

    public SerialLine? Write => Serial.Find(WriteLine);

    public SerialLine? Detail => Serial.Find(DetailLine);

    public int Written => Write == null ? -1 : int.Parse(WriteLine.Match(Write.Text).Groups["written"].Value);

    public int Erases => Write == null ? -1 : int.Parse(WriteLine.Match(Write.Text).Groups["erases"].Value);

    public string Sha256 => Detail == null ? "" : DetailLine.Match(Detail.Text).Groups["sha"].Value;

    public bool HeaderErased => Detail != null && DetailLine.Match(Detail.Text).Groups["header"].Value == "yes";

    /// <summary>The app's own firmware-clock time of the write (marker in-progress to complete), ms.</summary>
    public long AppWriteMs => Detail == null ? -1 : long.Parse(DetailLine.Match(Detail.Text).Groups["ms"].Value);

    public bool Recovered => Serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")) != null;
}
