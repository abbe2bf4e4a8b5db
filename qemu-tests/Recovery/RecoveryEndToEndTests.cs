using System;
using System.IO;
using System.Text;
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
/// End to end in OVMF with the REAL manager: the app finds the NV region invalid, fetches the capsule over
/// the recovery protocol from <c>uefirecovery-manager serve</c> on a bridge in a test namespace, verifies
/// it, writes it through FVB and reports the RESULT; the host then compares the vars file with the capsule
/// payload and reads the manager's result log.
///
/// What "corrupted" means here: OVMF 2022.11 faults before the boot manager when the FV header or the
/// variable store header is damaged (CorruptedStoreBootTests), so the app can never meet that region. The
/// damage it can meet, and the validity rule detects, is an interrupted recovery: the ESP marker says
/// in-progress and the region holds partly written bytes (here: 4 KiB of garbage in the FTW spare area,
/// which OVMF tolerates). Needs root (namespace, bridge, tap); otherwise reported as skipped.
/// </summary>
public sealed class RecoveryEndToEndTests
{
    private const string Subnet = "10.214.0";
    private const string HostAddress = Subnet + ".1";
    private const string MachineAddress = Subnet + ".20";
    private const string Listen = HostAddress + ":40123";

    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(15);

    private readonly ITestOutputHelper _output;

    public RecoveryEndToEndTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_InterruptedRegionAndTrustedCapsule_VarsEqualPayloadResultSuccessNextBootValid()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rcv-recover");
        byte[] payload = File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS_4M.fd");
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "ovmf-vars.cap"));

        string template = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(template, E2eRecoveryLab.Interrupted(payload));
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create("rcv");
        string bridge = ns.AddBridge(ns.DeviceName("br"), HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(ns, images, Listen, Subnet + ".255", results, RecoveryManager.TestKeyHash);

        var recovering = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-recover"),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = MachineOemStrings("auto", RecoveryManager.TestKeyHash),
            Timeout = RecoveryTimeout,
            VarsTemplatePath = template,
        });
        QemuExit exit;
        SerialLog serial;
        await using (QemuRun run = recovering.Start())
        {
            exit = await run.WaitForExitAsync();
            serial = run.Serial;
        }
        string managerOutput = "\nmanager:\n" + manager.Output;

        BootAssert.NotNull(serial.Find(new Regex(
            @"^RECOVERY REGION verdict=invalid reason=recovery-in-progress message=""[^""]+"" marker=in-progress$")), exit, "the invalid verdict");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.214\.0\.1:40123 .* mode=broadcast$")), exit, "the manager's offer" + managerOutput);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY PROGRESS bytes=\d+ of \d+ rate=\d+KiB/s round=\d+ \[[#.]{30}\]$")), exit, "a progress line");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY PROGRESS bytes=(\d+) of \1 rate=\d+KiB/s round=\d+ \[#{30}\]$")), exit,
            "the full progress bar when the last fragment arrived");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x00010002 payload=540672 ")), exit, "the verified capsule");
        BootAssert.NotNull(serial.Find(new Regex(
            @"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ erases=\d+ retries=0$")), exit, "the changed blocks written and read back");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged" + managerOutput);
        SerialLine? done = serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$"));
        BootAssert.SentinelAndExitCode(exit, done, "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        // Nothing before verification: the first write line comes after VERIFIED.
        BootAssert.True(IndexOf(serial, "^FIRMWARE MARKER state=in-progress written=yes$") > IndexOf(serial, "^RECOVERY VERIFIED "), exit,
            "the marker (first write step) came before the capsule was verified");

        byte[] after = File.ReadAllBytes(exit.VarsPath);
        _output.WriteLine("blocks differing from the payload after recovery: " + DifferingBlocks(payload, after));
        Assert.Equal(payload.Length, after.Length);
        Assert.True(payload.AsSpan().SequenceEqual(after), "vars file differs from the capsule payload in blocks " + DifferingBlocks(payload, after));

        string log = File.Exists(results) ? File.ReadAllText(results) : "";
        _output.WriteLine("result log: " + log);
        Assert.Matches(new Regex(@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""success"",""code"":0"), log);

        // The next boot, from the recovered vars and the same ESP (marker now complete): valid, no network.
        var checking = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "2-next-boot"),
            OemStrings = MachineOemStrings("auto", RecoveryManager.TestKeyHash),
            Timeout = TimeSpan.FromMinutes(5),
            VarsTemplatePath = exit.VarsPath,
        });
        await using QemuRun next = checking.Start();
        QemuExit nextExit = await next.WaitForExitAsync();
        BootAssert.NotNull(next.Serial.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=complete$")),
            nextExit, "verdict=valid on the next boot");
        BootAssert.SentinelAndExitCode(nextExit, next.Serial.Find(new Regex("^FIRMWARE VALID$")), "'FIRMWARE VALID'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    /// <summary>
    /// <c>uefirecovery.mode=recover</c> on a VALID region (an operator's forced reflash), with the address and
    /// the manager from DHCP (dnsmasq, option 43 sub-options 1 and 2, docs/netstack.md): the region is
    /// rewritten from the capsule and the vars file ends equal to the payload.
    /// </summary>
    [RootFact]
    public async Task Recover_ForcedOnValidRegionWithDhcpManager_VarsEqualPayloadResultSuccess()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rcv-forced-dhcp");
        byte[] payload = File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS_4M.fd");
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, Path.Combine(images, "ovmf-vars.cap"));
        EspImage esp = new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFatImage(Path.Combine(runDirectory, "esp.img"));
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create("rcv");
        string bridge = ns.AddBridge(ns.DeviceName("br"), HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess dnsmasq = ns.StartProcess("dnsmasq",
            "--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-ping", "--log-dhcp",
            "--interface=" + bridge, "--bind-interfaces",
            "--pid-file=" + Path.Combine(runDirectory, "dnsmasq.pid"),
            "--dhcp-leasefile=" + Path.Combine(runDirectory, "dnsmasq.leases"),
            $"--dhcp-range={Subnet}.50,{Subnet}.99,255.255.255.0,600",
            // Option 43: sub-option 1 manager address, 2 manager port (40123 = 9c:bb).
            "--dhcp-option=vendor:UefiRecovery,1," + HostAddress,
            "--dhcp-option=vendor:UefiRecovery,2,9c:bb");
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(ns, images, Listen, Subnet + ".255", results, RecoveryManager.TestKeyHash);

        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-forced"),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = new[]
            {
                "uefirecovery.mode=recover", EfiAppConsole.DebugExitOemString,
                "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
                "uefirecovery.image-type=" + RecoveryManager.ImageType,
                "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
            },
            Timeout = RecoveryTimeout,
        });
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        string peers = "\nmanager:\n" + manager.Output + "\ndnsmasq:\n" + dnsmasq.Output;

        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY BEGIN mode=recover$")), exit, "forced mode");
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=absent$")),
            exit, "the valid verdict before the forced recovery");
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY LEASE ip=10\.214\.0\.\d+ mask=255\.255\.255\.0 router=\S+ manager=10\.214\.0\.1:40123$")),
            exit, "the DHCP lease with the manager from option 43" + peers);
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY PHASE discovering manager=10\.214\.0\.1:40123 ")), exit, "the manager from DHCP used");
        BootAssert.NotNull(run.Serial.Find(new Regex(@"^RECOVERY RESULT outcome=success reason=0 acked=yes$")), exit, "RESULT acknowledged" + peers);
        BootAssert.SentinelAndExitCode(exit, run.Serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        Assert.True(payload.AsSpan().SequenceEqual(after), "vars file differs from the capsule payload in blocks " + DifferingBlocks(payload, after));
        Assert.Matches(new Regex(@"""outcome"":""success"",""code"":0"), File.Exists(results) ? File.ReadAllText(results) : "");
    }

    /// <summary>
    /// A capsule signed with a key the machine does not trust (the manager is told to trust it, so it offers
    /// it): the app verifies the whole capsule, refuses it with its reason, reports RESULT failure code 2,
    /// and writes nothing. The run is ended by the host once the refusal is recorded.
    /// </summary>
    [RootFact]
    public async Task Recover_UntrustedCapsule_RejectedWithReasonResultFailureVarsUntouched()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rcv-untrusted");
        byte[] payload = File.ReadAllBytes("/usr/share/OVMF/OVMF_VARS_4M.fd");
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await RecoveryManager.PackAsync(payloadPath, RecoveryManager.UntrustedKey, Path.Combine(images, "rogue.cap"));
        string untrustedHash = File.ReadAllText(Path.Combine(RecoveryManager.SharedDir, "vectors", "edk2-capsules", "keys",
            "untrusted-rsa2048", "UntrustedSigningPublicKeyModulus.sha256.txt")).Trim().Split(' ')[0];

        byte[] interrupted = E2eRecoveryLab.Interrupted(payload);
        string template = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(template, interrupted);
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create("rcv");
        string bridge = ns.AddBridge(ns.DeviceName("br"), HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(ns, images, Listen, Subnet + ".255", results, untrustedHash);

        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-rogue"),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = MachineOemStrings("auto", RecoveryManager.TestKeyHash),
            Timeout = RecoveryTimeout,
            VarsTemplatePath = template,
        });
        QemuExit exit;
        SerialLine? rejected;
        await using QemuRun run = machine.Start();
        {
            rejected = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY REJECTED "), RecoveryTimeout);
            // The client goes on looking for another donor; give the RESULT time to reach the log, then stop.
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !(File.Exists(results) && File.ReadAllText(results).Contains("failure", StringComparison.Ordinal)))
            {
                await Task.Delay(500);
            }
            exit = await run.KillAsync();
        }
        string managerOutput = "\nmanager:\n" + manager.Output;
        BootAssert.NotNull(rejected, exit, "a RECOVERY REJECTED line" + managerOutput);
        BootAssert.True(rejected!.Text == "RECOVERY REJECTED code=202 reason=PublicKeyNotTrusted message=\"the SHA-256 of the embedded public key is not in the trust store\" result-reason=2",
            exit, "the rejection reason: " + rejected.Text);
        BootAssert.True(IndexOf(run.Serial, "^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED)") < 0, exit,
            "a verification success or write step although the capsule was refused");

        string log = File.Exists(results) ? File.ReadAllText(results) : "";
        _output.WriteLine("result log: " + log);
        Assert.Matches(new Regex(@"""outcome"":""failure"",""code"":2"), log);

        // Untouched by the app: only OVMF's own boot-time writes (variable area, blocks 0-4) may differ.
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        string differing = DifferingBlocks(interrupted, after);
        _output.WriteLine("blocks changed during the run (OVMF's own variable writes): " + differing);
        Assert.True(after.AsSpan(E2eRecoveryLab.GarbageOffset, E2eRecoveryLab.GarbageLength).SequenceEqual(interrupted.AsSpan(E2eRecoveryLab.GarbageOffset, E2eRecoveryLab.GarbageLength)),
            "the interrupted-region bytes were changed although the capsule was refused");
        Assert.True(after.AsSpan(0x40000).SequenceEqual(interrupted.AsSpan(0x40000)), "FTW blocks changed: " + differing);
    }

    private static string[] MachineOemStrings(string mode, string trustedKeyHash) => new[]
    {
        "uefirecovery.mode=" + mode,
        EfiAppConsole.DebugExitOemString,
        $"uefirecovery.ip={MachineAddress}/24",
        "uefirecovery.manager=" + Listen,
        "uefirecovery.trust.rsa2048=" + trustedKeyHash,
        "uefirecovery.image-type=" + RecoveryManager.ImageType,
        "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
    };

    private static int IndexOf(SerialLog serial, string pattern)
    {
        var regex = new Regex(pattern);
        for (int i = 0; i < serial.Lines.Count; i++)
        {
            if (regex.IsMatch(serial.Lines[i].Text))
            {
                return i;
            }
        }
        return -1;
    }

    private static string DifferingBlocks(byte[] a, byte[] b)
    {
        var blocks = new System.Collections.Generic.List<int>();
        for (int block = 0; block * 4096 < Math.Min(a.Length, b.Length); block++)
        {
            if (!a.AsSpan(block * 4096, 4096).SequenceEqual(b.AsSpan(block * 4096, 4096)))
            {
                blocks.Add(block);
            }
        }
        return blocks.Count == 0 ? "none" : string.Join(",", blocks);
    }
}
