using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// A rogue donor (the real manager with <c>--insecure-serve-unverified</c>: no load-time checks, every capsule
/// announced as the machine's image type at its version floor; the honest manager never offers these) serves
/// a tampered, an untrusted, a rollback and a wrong-type capsule to a machine whose region is invalid. The app
/// must verify the whole capsule itself, refuse it with its reason (docs/image-format.md), report RESULT failure
/// with the wire reason, and write nothing: no marker, no WRITE line, the vars file unchanged apart from OVMF's
/// own boot-time variable writes (blocks 0-4, as RecoveryEndToEndTests defines it). Needs root; else skipped.
/// </summary>
public sealed class RogueDonorRejectionTests
{
    private const string OtherImageType = "0B6C4B2E-8D51-4A43-9E0F-3C1D2E4F5A61";
    private static readonly TimeSpan RejectTimeout = TimeSpan.FromMinutes(6);

    private readonly ITestOutputHelper _output;

    public RogueDonorRejectionTests(ITestOutputHelper output) => _output = output;

    /// <summary>Rows: capsule kind, expected CapsuleStatus code and name (recovery-core Image), expected RESULT reason (ResultReason).</summary>
    [RootTheory]
    [InlineData("tampered", 203, "SignatureInvalid", 1)]
    [InlineData("untrusted-key", 202, "PublicKeyNotTrusted", 2)]
    [InlineData("rollback", 304, "RollbackBelowStoredLowestSupported", 4)]
    [InlineData("wrong-image-type", 300, "ImageTypeMismatch", 3)]
    public async Task Recover_RogueDonorCapsule_RejectedWithReasonResultFailureVarsUntouched(string kind, int code, string reason, int resultReason)
    {
        string runDirectory = TestEnvironment.NewRunDirectory("rog-" + kind);
        byte[] payload = RogueDonorLab.Payload();
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.WriteAllBytes(payloadPath, payload);
        string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
        await PackRogueAsync(kind, payloadPath, Path.Combine(images, kind + ".cap"));

        byte[] interrupted = E2eRecoveryLab.Interrupted(payload);
        string template = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(template, interrupted);
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);
        string results = Path.Combine(runDirectory, "results.jsonl");

        using NetworkNamespace ns = NetworkNamespace.Create("rog");
        string bridge = ns.AddBridge(ns.DeviceName("br"), RogueDonorLab.HostAddress + "/24");
        string tap = ns.AddTap(ns.DeviceName("tap"), bridge);
        using NamespaceProcess manager = await RogueDonorLab.ServeAsync(ns, images, results, rogue: true);

        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-" + kind),
            Nic = NicSetup.Tap(tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = ns.Name,
            OemStrings = RogueDonorLab.MachineOemStrings("auto"),
            Timeout = RejectTimeout + TimeSpan.FromMinutes(1),
            VarsTemplatePath = template,
        });
        QemuExit exit;
        SerialLine? rejected;
        await using QemuRun run = machine.Start();
        {
            rejected = await run.Serial.WaitForLineAsync(new Regex("^RECOVERY REJECTED "), RejectTimeout);
            // The client goes on looking for another donor; give the RESULT time to reach the log, then stop.
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !(File.Exists(results) && File.ReadAllText(results).Contains("failure", StringComparison.Ordinal)))
            {
                await Task.Delay(500);
            }
            exit = await run.KillAsync();
        }
        string managerOutput = "\nmanager:\n" + manager.Output;
        Assert.Contains("WARNING: --insecure-serve-unverified", manager.Output, StringComparison.Ordinal);
        BootAssert.NotNull(rejected, exit, "a RECOVERY REJECTED line" + managerOutput);
        _output.WriteLine("refusal on serial: " + rejected!.Text);
        BootAssert.True(new Regex($@"^RECOVERY REJECTED code={code} reason={reason} message=""[^""]+"" result-reason={resultReason}$").IsMatch(rejected.Text),
            exit, "the rejection reason: " + rejected.Text);
        BootAssert.NotNull(run.Serial.Find(new Regex(
            @"^RECOVERY REGION verdict=invalid reason=recovery-in-progress message=""[^""]+"" marker=in-progress$")), exit, "the invalid verdict");
        BootAssert.True(RogueDonorLab.IndexOf(run.Serial, "^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY PHASE writing)") < 0, exit,
            "a verification success or write step although the capsule was refused");

        string log = File.Exists(results) ? File.ReadAllText(results) : "";
        _output.WriteLine("result log: " + log);
        Assert.Matches(new Regex($@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""failure"",""code"":{resultReason}\b"), log);

        // Untouched by the app: only OVMF's own boot-time writes (variable area, blocks 0-4) may differ.
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        string differing = RogueDonorLab.DifferingBlocks(interrupted, after);
        _output.WriteLine("blocks changed during the run (OVMF's own variable writes): " + differing);
        Assert.Equal(interrupted.Length, after.Length);
        Assert.True(after.AsSpan(E2eRecoveryLab.GarbageOffset, E2eRecoveryLab.GarbageLength)
            .SequenceEqual(interrupted.AsSpan(E2eRecoveryLab.GarbageOffset, E2eRecoveryLab.GarbageLength)),
            "the interrupted-region bytes were changed although the capsule was refused");
        Assert.True(after.AsSpan(5 * RogueDonorLab.BlockSize).SequenceEqual(interrupted.AsSpan(5 * RogueDonorLab.BlockSize)),
            "blocks beyond OVMF's variable writes changed: " + differing);
    }

    private static async Task PackRogueAsync(string kind, string payloadPath, string capsulePath)
    {
        switch (kind)
        {
            case "tampered":
            {
                await RogueDonorLab.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, RecoveryManager.Version,
                    RecoveryManager.LowestSupportedVersion, RecoveryManager.ImageType, capsulePath);
                byte[] capsule = File.ReadAllBytes(capsulePath);
                capsule[capsule.Length - 0x2000] ^= 0x01; // one bit of the signed payload (the payload is the capsule's tail)
                File.WriteAllBytes(capsulePath, capsule);
                break;
            }
            case "untrusted-key":
                await RogueDonorLab.PackAsync(payloadPath, RecoveryManager.UntrustedKey, RecoveryManager.Version,
                    RecoveryManager.LowestSupportedVersion, RecoveryManager.ImageType, capsulePath);
                break;
            case "rollback":
                // Validly signed, but FwVersion 0x100 is below the machine's stored floor uefirecovery.lsv=0x00010000.
                await RogueDonorLab.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, "0x00000100", "0x00000100",
                    RecoveryManager.ImageType, capsulePath);
                break;
            case "wrong-image-type":
                await RogueDonorLab.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, RecoveryManager.Version,
                    RecoveryManager.LowestSupportedVersion, OtherImageType, capsulePath);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown rogue capsule kind");
        }
    }
}
