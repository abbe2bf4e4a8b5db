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
/// machine that takes only offers signed by its manager's key, next to an unsigned rogue.
/// </summary>
public sealed class HostileLanRecoveryTests
{
    private const string AttackerAddress = E2eRecoveryLab.Subnet + ".66";
    private const string RogueAddress = E2eRecoveryLab.Subnet + ".77";
    private static readonly TimeSpan MachineTimeout = TimeSpan.FromMinutes(9);

    private readonly ITestOutputHelper _output;

    public HostileLanRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_ForgedDataInjectedByAnotherHost_RecognisedOnArrivalAndRecoveredFromTheManager()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-forged");
        (byte[] payload, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create(E2eRecoveryLab.NamespacePrefix);
        string bridge = ns.AddBridge(ns.DeviceName("br"), E2eRecoveryLab.HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await E2eRecoveryLab.ServeAsync(ns, images, results, gatherSeconds: 1);
        using NetworkNamespace attacker = E2eRecoveryLab.AddPeerBehindPort(ns, bridge, AttackerAddress);
        using NamespaceProcess forger = attacker.StartProcess("/usr/bin/python3", Script("forge_data.py"), E2eRecoveryLab.Broadcast, "300");
        await WaitForOutputAsync(forger, "listening");

        (QemuExit exit, SerialLog serial, byte[] flash) = await RecoverAsync(runDirectory, "1-forged", payload, tap, ns, E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.Subnet + ".20"));
        string log = "\nforger: " + forger.Output + "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        _output.WriteLine(log);

        BootAssert.True(forger.Output.Contains("forged 300 DATA", StringComparison.Ordinal), exit, "the attacker sent its forged DATA" + log);
        SerialLine? received = serial.Find(new Regex(@"^RECOVERY RECEIVED fragments=379 corrupted=\d+ forged=([1-9]\d*) "));
        BootAssert.NotNull(received, exit, "forged fragments counted on the machine's screen" + log);
        BootAssert.True(serial.Find(new Regex("^RECOVERY REJECTED ")) == null, exit, "no image was rejected: a forged fragment never reached the capsule");
        AssertRecovered(exit, serial, flash, payload, results, log);
    }

    [RootFact]
    public async Task Recover_RogueWithHigherVersionAndUntrustedKey_ConfiguredManagerChosenRogueNeverTaken()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-rogue");
        (byte[] payload, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        string rogueImages = Directory.CreateDirectory(Path.Combine(runDirectory, "rogue-images")).FullName;
        await PackUntrustedNewerAsync(runDirectory, rogueImages);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create(E2eRecoveryLab.NamespacePrefix);
        string bridge = ns.AddBridge(ns.DeviceName("br"), E2eRecoveryLab.HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await E2eRecoveryLab.ServeAsync(ns, images, results, gatherSeconds: 1);
        using NetworkNamespace rogueHost = E2eRecoveryLab.AddPeerBehindPort(ns, bridge, RogueAddress);
        using NamespaceProcess rogue = await ServeRogueAsync(rogueHost, rogueImages, Path.Combine(runDirectory, "rogue-results.jsonl"), signingKey: null);

        (QemuExit exit, SerialLog serial, byte[] flash) = await RecoverAsync(runDirectory, "1-rogue", payload, tap, ns, E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.Subnet + ".20"));
        string log = "\nrogue:\n" + rogue.Output + "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        _output.WriteLine(log);

        // The rogue answers the broadcast REQUEST with a higher announced version, but an announced version is a
        // claim and the configured manager address is protected configuration (protocol.md §6.4, rule
        // ConfiguredManager): the manager's offer is chosen first, the rogue's capsule is never even fetched.
        // The path without a configured manager (rogue tried once, rejected, then the manager) is covered by
        // ClientSessionHostileLanTests.IdRotatingRogueWithHighVersion_RejectedOnce_ThenHonestDonorRecovers on the host.
        BootAssert.True(rogue.Output.Contains("offered newer-untrusted.cap", StringComparison.Ordinal), exit,
            "the rogue saw the machine's REQUEST and offered its newer capsule" + log);
        int firstOffer = E2eRecoveryLab.IndexOf(serial, @"^RECOVERY OFFER donor=");
        BootAssert.True(firstOffer >= 0 && firstOffer == E2eRecoveryLab.IndexOf(serial, @"^RECOVERY OFFER donor=" + Regex.Escape(E2eRecoveryLab.Listen) + " "),
            exit, "the first offer chosen is the configured manager's" + log);
        BootAssert.True(serial.Find(new Regex("^RECOVERY REJECTED ")) == null, exit, "no capsule rejected: the rogue's was never taken" + log);
        AssertRecovered(exit, serial, flash, payload, results, log);
    }

    [RootFact]
    public async Task Recover_SignedOffersRequired_UnsignedRogueIgnoredSignedManagerRecovers()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("e2e-signed");
        (byte[] payload, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(runDirectory);
        string rogueImages = Directory.CreateDirectory(Path.Combine(runDirectory, "rogue-images")).FullName;
        await PackUntrustedNewerAsync(runDirectory, rogueImages);
        string results = Path.Combine(runDirectory, "results.jsonl");
        using RSA managerKey = RSA.Create(2048);
        string keyPath = Path.Combine(runDirectory, "manager-signing-key.pem");
        File.WriteAllText(keyPath, managerKey.ExportPkcs8PrivateKeyPem());
        string keyHash = Convert.ToHexString(SHA256.HashData(managerKey.ExportParameters(false).Modulus!)).ToLowerInvariant();

        using NetworkNamespace ns = NetworkNamespace.Create(E2eRecoveryLab.NamespacePrefix);
        string bridge = ns.AddBridge(ns.DeviceName("br"), E2eRecoveryLab.HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await E2eRecoveryLab.ServeAsync(ns, images, results, gatherSeconds: 1,
            new[] { "--delivery", "broadcast", "--destination", E2eRecoveryLab.Broadcast, "--signing-key", keyPath });
        using NetworkNamespace rogueHost = E2eRecoveryLab.AddPeerBehindPort(ns, bridge, RogueAddress);
        using NamespaceProcess rogue = await ServeRogueAsync(rogueHost, rogueImages, Path.Combine(runDirectory, "rogue-results.jsonl"), signingKey: null);

        var oem = new List<string>(E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.Subnet + ".20")) { "uefirecovery.trust.manager=" + keyHash };
        (QemuExit exit, SerialLog serial, byte[] flash) = await RecoverAsync(runDirectory, "1-signed", payload, tap, ns, oem.ToArray());
        string log = "\nrogue:\n" + rogue.Output + "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(runDirectory, manager);
        _output.WriteLine(log);

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY TRUST .* manager=1 \[" + keyHash.Substring(0, 8) + @"\] ")), exit, "the manager key in force");
        BootAssert.True(serial.Find(new Regex("^RECOVERY REJECTED ")) == null, exit, "the rogue's offer was never taken, so nothing was rejected" + log);
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY RECEIVED .* unauthenticated-offers=([1-9]\d*) signature-checks=([1-9]\d*) ")), exit,
            "the rogue's unsigned offers dropped, the manager's signature checked" + log);
        BootAssert.True(rogue.Output.Contains("ACCEPT", StringComparison.Ordinal) == false, exit, "no ACCEPT ever reached the rogue" + log);
        AssertRecovered(exit, serial, flash, payload, results, log);
    }

    private static async Task PackUntrustedNewerAsync(string runDirectory, string rogueImages)
    {
        string payloadPath = Path.Combine(runDirectory, "rogue-payload.fd");
        File.WriteAllBytes(payloadPath, E2eRecoveryLab.Interrupted(File.ReadAllBytes(E2eRecoveryLab.PayloadPath)));
        using RSA rogueKey = RSA.Create(2048);
        string rogueKeyPath = Path.Combine(runDirectory, "rogue-key.pem");
        File.WriteAllText(rogueKeyPath, rogueKey.ExportPkcs8PrivateKeyPem());
        await RogueDonorLab.PackAsync(payloadPath, rogueKeyPath, "0x00019999", "0x00010000", RecoveryManager.ImageType,
            Path.Combine(rogueImages, "newer-untrusted.cap"));
    }

    /// <summary>A second <c>serve</c> that offers whatever it holds, unverified (a rogue on the segment).</summary>
    private static async Task<NamespaceProcess> ServeRogueAsync(NetworkNamespace ns, string imagesDir, string resultsPath, string? signingKey)
    {
        string dll = await RecoveryManager.RequireAsync();
        var arguments = new List<string>
        {
            // 0.0.0.0: a socket bound to its unicast address would not see the machines' broadcast REQUESTs.
            dll, "serve", "--images", imagesDir, "--listen", "0.0.0.0:40123", "--delivery", "broadcast",
            "--destination", E2eRecoveryLab.Broadcast, "--trusted-key-hash", RecoveryManager.TestKeyHash, "--results", resultsPath,
            "--status-http", "off", "--live", "false", "--rate", "20", "--client-timeout", "60", "--gather", "1", "--name", "rogue",
            "--insecure-serve-unverified",
        };
        if (signingKey != null)
        {
            arguments.AddRange(new[] { "--signing-key", signingKey });
        }
        return await RecoveryManager.StartAndWaitReadyAsync(ns, arguments);
    }

    private static async Task<(QemuExit Exit, SerialLog Serial, byte[] Flash)> RecoverAsync(
        string runDirectory, string name, byte[] payload, string tap, NetworkNamespace ns, string[] oemStrings)
    {
        string template = Path.Combine(runDirectory, name + "-interrupted-vars.fd");
        File.WriteAllBytes(template, E2eRecoveryLab.Interrupted(payload));
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, name + "-esp.img"), interruptedMarker: true);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, name),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = oemStrings,
            Timeout = MachineTimeout,
            VarsTemplatePath = template,
        });
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        return (exit, run.Serial, File.ReadAllBytes(run.VarsPath));
    }

    private static void AssertRecovered(QemuExit exit, SerialLog serial, byte[] flash, byte[] payload, string results, string log)
    {
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(flash.AsSpan().SequenceEqual(payload), exit, "flash differs from the payload in blocks " + E2eRecoveryLab.DifferingBlocks(flash, payload));
        bool success = false;
        foreach (string line in E2eRecoveryLab.ResultLines(results))
        {
            success |= line.Contains("\"outcome\":\"success\"", StringComparison.Ordinal);
        }
        BootAssert.True(success, exit, "the manager's result log has success" + log);
    }

    private static async Task WaitForOutputAsync(NamespaceProcess process, string text)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!process.Output.Contains(text, StringComparison.Ordinal) && !process.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        if (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("expected '" + text + "' from the helper process: " + process.Output);
        }
    }

    private static string Script(string fileName) =>
        Path.Combine(TestEnvironment.Repo.Root, "qemu-tests", "Recovery", "scripts", fileName);
}
