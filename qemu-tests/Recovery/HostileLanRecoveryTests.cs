using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
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
/// The hostile-LAN issue in the real firmware (docs/protocol.md §9), each with the real manager and an
/// interrupted NV region: a machine on the segment forging DATA of the running session (under version 1 one
/// such fragment failed the image and excluded the honest manager); a rogue donor whose capsule (signed by a
/// key the machine does not trust) announces a higher version (version 1 chose it at every discovery); and a
/// machine that takes only offers signed by its manager's key, next to an unsigned rogue. Each on both architectures (x64
/// in OVMF, arm64 in AAVMF with its VirtioNetDxe and the flash its first boot formatted, <see cref="E2ePlatform"/>).
/// </summary>
public sealed class HostileLanRecoveryTests
{
    private const string AttackerAddress = E2eRecoveryLab.Subnet + ".66";
    private const string RogueAddress = E2eRecoveryLab.Subnet + ".77";

    private readonly ITestOutputHelper _output;

    public HostileLanRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootTheory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Recover_ForgedDataInjectedByAnotherHost_RecognisedOnArrivalAndRecoveredFromTheManager(string arch)
    {
        E2eRecoveryFiles files = await CreateFilesAsync("e2e-forged", arch);

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1));
        using NetworkNamespace attacker = E2eRecoveryLab.AddPeerBehindPort(segment.Namespace, segment.Bridge, AttackerAddress);
        using NamespaceProcess forger = attacker.StartProcess("/usr/bin/python3", Script("forge_data.py"), E2eRecoveryLab.Broadcast, "300");
        await forger.WaitForOutputAsync("listening", TimeSpan.FromSeconds(30));

        (QemuExit exit, SerialLog serial) = await RecoverAsync(files, segment, "1-forged", E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress));
        string log = "\nforger: " + forger.Output + "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
        _output.WriteLine(log);

        BootAssert.True(forger.Output.Contains("forged 300 DATA", StringComparison.Ordinal), exit, "the attacker sent its forged DATA" + log);
        // Every fragment of the offered image (379 of OVMF's capsule, 550 of AAVMF's) received, forged ones counted besides.
        SerialLine? offer = serial.Find(new Regex(@"^RECOVERY OFFER donor=.* fragments=\d+ "));
        BootAssert.NotNull(offer, exit, "the manager's offer" + log);
        string fragments = Regex.Match(offer!.Text, @" fragments=(\d+) ").Groups[1].Value;
        SerialLine? received = serial.Find(new Regex(@"^RECOVERY RECEIVED fragments=" + fragments + @" corrupted=\d+ forged=([1-9]\d*) "));
        BootAssert.NotNull(received, exit, "forged fragments counted on the machine's screen" + log);
        BootAssert.True(serial.Find(new Regex("^RECOVERY REJECTED ")) == null, exit, "no image was rejected: a forged fragment never reached the capsule");
        files.AssertRecovered(exit, serial, log);
        _output.WriteLine(received!.Text);
    }

    [RootTheory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Recover_RogueWithHigherVersionAndUntrustedKey_ConfiguredManagerChosenRogueNeverTaken(string arch)
    {
        E2eRecoveryFiles files = await CreateFilesAsync("e2e-rogue", arch);
        string rogueImages = await PackUntrustedNewerAsync(files);

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1));
        using NetworkNamespace rogueHost = E2eRecoveryLab.AddPeerBehindPort(segment.Namespace, segment.Bridge, RogueAddress);
        using NamespaceProcess rogue = await ServeRogueAsync(rogueHost, rogueImages, files.RunDirectory);

        (QemuExit exit, SerialLog serial) = await RecoverAsync(files, segment, "1-rogue", E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress));
        string log = "\nrogue:\n" + rogue.Output + "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
        _output.WriteLine(log);

        // The rogue answers the broadcast REQUEST with a higher announced version, but an announced version is a
        // claim and the configured manager address is protected configuration (protocol.md §6.4, rule
        // ConfiguredManager): the manager's offer is chosen first, the rogue's capsule is never even fetched.
        // The path without a configured manager (rogue tried once, rejected, then the manager) is covered by
        // ClientSessionHostileLanTests.IdRotatingRogueWithHighVersion_RejectedOnce_ThenHonestDonorRecovers on the host.
        BootAssert.True(rogue.Output.Contains("offered newer-untrusted.cap", StringComparison.Ordinal), exit,
            "the rogue saw the machine's REQUEST and offered its newer capsule" + log);
        int firstOffer = serial.IndexOf(@"^RECOVERY OFFER donor=");
        BootAssert.True(firstOffer >= 0 && firstOffer == serial.IndexOf(@"^RECOVERY OFFER donor=" + Regex.Escape(E2eRecoveryLab.Listen) + " "),
            exit, "the first offer chosen is the configured manager's" + log);
        BootAssert.True(serial.Find(new Regex("^RECOVERY REJECTED ")) == null, exit, "no capsule rejected: the rogue's was never taken" + log);
        files.AssertRecovered(exit, serial, log);
    }

    [RootTheory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Recover_SignedOffersRequired_UnsignedRogueIgnoredSignedManagerRecovers(string arch)
    {
        E2eRecoveryFiles files = await CreateFilesAsync("e2e-signed", arch);
        string rogueImages = await PackUntrustedNewerAsync(files);
        using RSA managerKey = RSA.Create(2048);
        string keyPath = Path.Combine(files.RunDirectory, "manager-signing-key.pem");
        File.WriteAllText(keyPath, managerKey.ExportPkcs8PrivateKeyPem());
        string keyHash = Convert.ToHexString(SHA256.HashData(managerKey.ExportParameters(false).Modulus!)).ToLowerInvariant();

        using E2eSegment segment = E2eSegment.Create();
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1) with { SigningKey = keyPath });
        using NetworkNamespace rogueHost = E2eRecoveryLab.AddPeerBehindPort(segment.Namespace, segment.Bridge, RogueAddress);
        using NamespaceProcess rogue = await ServeRogueAsync(rogueHost, rogueImages, files.RunDirectory);

        var oem = new List<string>(E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress)) { "uefirecovery.trust.manager=" + keyHash };
        (QemuExit exit, SerialLog serial) = await RecoverAsync(files, segment, "1-signed", oem);
        string log = "\nrogue:\n" + rogue.Output + "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);
        _output.WriteLine(log);

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY TRUST .* manager=1 \[" + keyHash.Substring(0, 8) + @"\] ")), exit, "the manager key in force");
        BootAssert.True(serial.Find(new Regex("^RECOVERY REJECTED ")) == null, exit, "the rogue's offer was never taken, so nothing was rejected" + log);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RECEIVED .* unauthenticated-offers=([1-9]\d*) signature-checks=([1-9]\d*) ")), exit,
            "the rogue's unsigned offers dropped, the manager's signature checked" + log);
        BootAssert.True(rogue.Output.Contains("ACCEPT", StringComparison.Ordinal) == false, exit, "no ACCEPT ever reached the rogue" + log);
        files.AssertRecovered(exit, serial, log);
    }

    /// <summary>The run's files for the row's architecture; x64 rows keep their run folder names, arm64 rows add "-arm64".</summary>
    private static Task<E2eRecoveryFiles> CreateFilesAsync(string label, string arch)
    {
        E2ePlatform platform = E2ePlatform.Parse(arch);
        return E2eRecoveryFiles.CreateAsync(platform == E2ePlatform.X64 ? label : label + "-" + platform, platform: platform);
    }

    /// <summary>A folder holding a capsule of the interrupted region signed by a fresh key, announcing a higher version (0x00019999).</summary>
    private static async Task<string> PackUntrustedNewerAsync(E2eRecoveryFiles files)
    {
        string runDirectory = files.RunDirectory;
        string rogueImages = Directory.CreateDirectory(Path.Combine(runDirectory, "rogue-images")).FullName;
        string payloadPath = Path.Combine(runDirectory, "rogue-payload.fd");
        File.WriteAllBytes(payloadPath, files.Platform.Region(files.Interrupted));
        using RSA rogueKey = RSA.Create(2048);
        string rogueKeyPath = Path.Combine(runDirectory, "rogue-key.pem");
        File.WriteAllText(rogueKeyPath, rogueKey.ExportPkcs8PrivateKeyPem());
        await RecoveryManager.PackAsync(payloadPath, rogueKeyPath, Path.Combine(rogueImages, "newer-untrusted.cap"), version: "0x00019999");
        return rogueImages;
    }

    /// <summary>A second <c>serve</c> that offers whatever it holds, unverified (a rogue on the segment).</summary>
    private static Task<NamespaceProcess> ServeRogueAsync(NetworkNamespace ns, string imagesDir, string runDirectory) =>
        // 0.0.0.0: a socket bound to its unicast address would not see the machines' broadcast REQUESTs.
        RecoveryManager.ServeAsync(ns, new ServeArguments(imagesDir, "0.0.0.0:40123", Path.Combine(runDirectory, "rogue-results.jsonl"))
        {
            Destination = E2eRecoveryLab.Broadcast,
            ClientTimeoutSeconds = 60,
            GatherSeconds = 1,
            Name = "rogue",
            InsecureServeUnverified = true,
        });

    /// <summary>One machine of the files' architecture on the segment's tap recovering from the interrupted region (its own ESP and vars copy).</summary>
    private static Task<AppBootResult> RecoverAsync(E2eRecoveryFiles files, E2eSegment segment, string name, IReadOnlyList<string> oemStrings) =>
        segment.Machine(files.Boot(name), files.BuildEsp(name + "-esp.img"), oemStrings, E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath,
            arch: files.Platform.Arch).RunToExitAsync();

    private static string Script(string fileName) =>
        Path.Combine(TestEnvironment.Repo.Root, "qemu-tests", "Recovery", "scripts", fileName);
}
