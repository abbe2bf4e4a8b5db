using System;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// End to end with the REAL manager, on both architectures (x64 in OVMF, arm64 in AAVMF with its VirtioNetDxe): the app
/// finds the NV region invalid, fetches the capsule over the recovery protocol from <c>uefirecovery-manager serve</c> on
/// a bridge in a test namespace, verifies it, writes it through FVB and reports the RESULT; the host then compares the
/// flash with the capsule payload and reads the manager's result log. No <c>uefirecovery.target</c>: the region is the
/// app's default for its architecture (one arm64 row spells it out, so the explicit line stays tested too).
///
/// What "corrupted" means here: OVMF 2022.11 faults before the boot manager when the FV header or the
/// variable store header is damaged (CorruptedStoreBootTests), so the app can never meet that region. The
/// damage it can meet, and the validity rule detects, is an interrupted recovery: the ESP marker says
/// in-progress and the region holds partly written bytes (here: 4 KiB of garbage in the FTW spare area,
/// which the firmware tolerates). On AAVMF the region is the first 3 of the 64 MiB flash's 256 KiB blocks, of a flash
/// its first boot formatted (<see cref="E2ePlatform"/>). Needs root (namespace, bridge, tap); otherwise reported as
/// skipped. The network is <see cref="E2eRecoveryLab"/>'s; namespaces carry the prefix "rcv".
/// </summary>
public sealed class RecoveryEndToEndTests
{
    private const string NamespacePrefix = "rcv";
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(15);

    private readonly ITestOutputHelper _output;

    public RecoveryEndToEndTests(ITestOutputHelper output) => _output = output;

    /// <param name="target">"default": no <c>uefirecovery.target</c>, the app's default region; "explicit": the line that spells it out.</param>
    [RootTheory]
    [InlineData("x64", "default")]
    [InlineData("arm64", "default")]
    [InlineData("arm64", "explicit")]
    public async Task Recover_InterruptedRegionAndTrustedCapsule_VarsEqualPayloadResultSuccessNextBootValid(string arch, string target)
    {
        E2ePlatform platform = E2ePlatform.Parse(arch);
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync(Label("rcv-recover", platform) + (target == "explicit" ? "-explicit-target" : ""),
            platform: platform);
        EspImage esp = files.BuildEsp();
        string[] oemStrings = E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress);
        if (target == "explicit")
        {
            oemStrings = [.. oemStrings, platform.ExplicitTargetOemString(RecoveryManager.ImageType)];
        }

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: null) with { Name = "rcv-test" });

        QemuMachine recovering = segment.Machine(files.Boot("1-recover"), esp, oemStrings, RecoveryTimeout, files.InterruptedVarsPath, arch: platform.Arch);
        (QemuExit exit, SerialLog serial) = await recovering.RunToExitAsync();
        string managerOutput = "\nmanager:\n" + manager.Output;

        BootAssert.NotNull(serial.Find(new Regex(
            @"^RECOVERY REGION verdict=invalid reason=recovery-in-progress message=""[^""]+"" marker=in-progress$")), exit, "the invalid verdict");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 .* mode=broadcast$")), exit, "the manager's offer" + managerOutput);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY PROGRESS bytes=\d+ of \d+ rate=\d+KiB/s round=\d+ \[[#.]{30}\]$")), exit, "a progress line");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY PROGRESS bytes=(\d+) of \1 rate=\d+KiB/s round=\d+ \[#{30}\]$")), exit,
            "the full progress bar when the last fragment arrived");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x00010002 payload=" + platform.RegionLength + " ")), exit, "the verified capsule");
        SerialLine? write = serial.Find(new Regex(@"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ erases=\d+ retries=0$"));
        BootAssert.NotNull(write, exit, "the changed blocks written and read back");
        files.AssertRecovered(exit, serial, managerOutput);
        // Nothing before verification: the first write line comes after VERIFIED.
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress written=yes$") > serial.IndexOf("^RECOVERY VERIFIED "), exit,
            "the marker (first write step) came before the capsule was verified");
        _output.WriteLine(write!.Text + "\nresult log: " + string.Join("\n", E2eRecoveryLab.ResultLines(files.Results)));

        // The next boot, from the recovered vars and the same ESP (marker now complete): valid, no network.
        var checking = new QemuMachine(new QemuMachineOptions
        {
            Arch = platform.Arch,
            BootDisk = esp,
            RunDirectory = files.Boot("2-next-boot"),
            Nic = platform.QuietNic,
            OemStrings = oemStrings,
            Timeout = TimeSpan.FromMinutes(5),
            VarsTemplatePath = exit.VarsPath,
        });
        (QemuExit nextExit, SerialLog next) = await checking.RunToExitAsync();
        BootAssert.NotNull(next.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=complete$")),
            nextExit, "verdict=valid on the next boot");
        BootAssert.SentinelAndExitCode(nextExit, next.Find(new Regex("^FIRMWARE VALID$")), "'FIRMWARE VALID'",
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
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("rcv-forced-dhcp");
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(files.RunDirectory, "esp.img"), interruptedMarker: false);

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess dnsmasq = segment.Namespace.StartProcess("dnsmasq",
            "--no-daemon", "--conf-file=/dev/null", "--port=0", "--no-ping", "--log-dhcp",
            "--interface=" + segment.Bridge, "--bind-interfaces",
            "--pid-file=" + Path.Combine(files.RunDirectory, "dnsmasq.pid"),
            "--dhcp-leasefile=" + Path.Combine(files.RunDirectory, "dnsmasq.leases"),
            $"--dhcp-range={E2eRecoveryLab.Subnet}.50,{E2eRecoveryLab.Subnet}.99,255.255.255.0,600",
            // Option 43: sub-option 1 manager address, 2 manager port (40123 = 9c:bb).
            "--dhcp-option=vendor:UefiRecovery,1," + E2eRecoveryLab.HostAddress,
            "--dhcp-option=vendor:UefiRecovery,2,9c:bb");
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: null) with { Name = "rcv-test" });

        QemuMachine machine = segment.Machine(files.Boot("1-forced"), esp, new[]
        {
            "uefirecovery.mode=recover", EfiAppConsole.DebugExitOemString,
            "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
            "uefirecovery.image-type=" + RecoveryManager.ImageType,
            "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
        }, RecoveryTimeout);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string peers = "\nmanager:\n" + manager.Output + "\ndnsmasq:\n" + dnsmasq.Output;

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY BEGIN mode=recover$")), exit, "forced mode");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY REGION verdict=valid reason=valid message=""[^""]+"" marker=absent$")),
            exit, "the valid verdict before the forced recovery");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY LEASE ip=10\.216\.0\.\d+ mask=255\.255\.255\.0 router=\S+ manager=10\.216\.0\.1:40123$")),
            exit, "the DHCP lease with the manager from option 43" + peers);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY PHASE discovering manager=10\.216\.0\.1:40123 ")), exit, "the manager from DHCP used");
        E2eRecoveryLab.AssertRecovered(exit, serial, files.Payload, files.Results, peers);
    }

    /// <summary>
    /// A capsule signed with a key the machine does not trust (the manager is told to trust it, so it offers
    /// it): the app verifies the whole capsule, refuses it with its reason, reports RESULT failure code 2,
    /// and writes nothing. The run is ended by the host once the refusal is recorded.
    /// </summary>
    [RootTheory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Recover_UntrustedCapsule_RejectedWithReasonResultFailureVarsUntouched(string arch)
    {
        E2ePlatform platform = E2ePlatform.Parse(arch);
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync(Label("rcv-untrusted", platform),
            (payloadPath, images) => RecoveryManager.PackAsync(payloadPath, RecoveryManager.UntrustedKey, Path.Combine(images, "rogue.cap")), platform);
        string untrustedHash = File.ReadAllText(Path.Combine(RecoveryManager.SharedDir, "vectors", "edk2-capsules", "keys",
            "untrusted-rsa2048", "UntrustedSigningPublicKeyModulus.sha256.txt")).Trim().Split(' ')[0];

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: null) with { TrustedKeyHashes = new[] { untrustedHash }, Name = "rcv-test" });

        QemuMachine machine = segment.Machine(files.Boot("1-rogue"), files.BuildEsp(), E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            RecoveryTimeout, files.InterruptedVarsPath, arch: platform.Arch);
        (QemuExit exit, SerialLog serial, SerialLine? rejected) = await E2eRecoveryLab.RunUntilRejectedAsync(machine, files.Results, RecoveryTimeout);
        string managerOutput = "\nmanager:\n" + manager.Output;
        BootAssert.NotNull(rejected, exit, "a RECOVERY REJECTED line" + managerOutput);
        BootAssert.True(rejected!.Text == "RECOVERY REJECTED code=202 reason=PublicKeyNotTrusted message=\"the SHA-256 of the embedded public key is not in the trust store\" result-reason=2",
            exit, "the rejection reason: " + rejected.Text);
        BootAssert.True(serial.IndexOf("^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED)") < 0, exit,
            "a verification success or write step although the capsule was refused");

        string log = string.Join("\n", E2eRecoveryLab.ResultLines(files.Results));
        _output.WriteLine("result log: " + log);
        Assert.Matches(new Regex(@"""outcome"":""failure"",""code"":2"), log);

        // Untouched by the app: only the firmware's own boot-time variable writes may differ (E2ePlatform.AssertNothingWritten).
        string differing = platform.AssertNothingWritten(files.Interrupted, File.ReadAllBytes(exit.VarsPath), "the capsule was refused");
        _output.WriteLine("blocks changed during the run (the firmware's own variable writes): " + differing);
    }

    /// <summary>The run folder's label: x64 rows keep the names they had, arm64 rows add "-arm64".</summary>
    private static string Label(string label, E2ePlatform platform) => platform == E2ePlatform.X64 ? label : label + "-" + platform;
}
