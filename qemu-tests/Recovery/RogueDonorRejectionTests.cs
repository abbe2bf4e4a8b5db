using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
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
/// The network is <see cref="E2eRecoveryLab"/>'s; namespaces carry the prefix "rog".
/// </summary>
public sealed class RogueDonorRejectionTests
{
    private const string NamespacePrefix = "rog";
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
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("rog-" + kind,
            (payloadPath, images) => PackRogueAsync(kind, payloadPath, Path.Combine(images, kind + ".cap")));

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: null) with { Name = "rog-test", InsecureServeUnverified = true });

        QemuMachine machine = segment.Machine(files.Boot("1-" + kind), files.BuildEsp(), E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress),
            RejectTimeout + TimeSpan.FromMinutes(1), files.InterruptedVarsPath);
        (QemuExit exit, SerialLog serial, SerialLine? rejected) = await E2eRecoveryLab.RunUntilRejectedAsync(machine, files.Results, RejectTimeout);
        string managerOutput = "\nmanager:\n" + manager.Output;
        Assert.Contains("WARNING: --insecure-serve-unverified", manager.Output, StringComparison.Ordinal);
        BootAssert.NotNull(rejected, exit, "a RECOVERY REJECTED line" + managerOutput);
        _output.WriteLine("refusal on serial: " + rejected!.Text);
        BootAssert.True(new Regex($@"^RECOVERY REJECTED code={code} reason={reason} message=""[^""]+"" result-reason={resultReason}$").IsMatch(rejected.Text),
            exit, "the rejection reason: " + rejected.Text);
        BootAssert.NotNull(serial.Find(new Regex(
            @"^RECOVERY REGION verdict=invalid reason=recovery-in-progress message=""[^""]+"" marker=in-progress$")), exit, "the invalid verdict");
        BootAssert.True(serial.IndexOf("^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY PHASE writing)") < 0, exit,
            "a verification success or write step although the capsule was refused");

        string log = string.Join("\n", E2eRecoveryLab.ResultLines(files.Results));
        _output.WriteLine("result log: " + log);
        Assert.Matches(new Regex($@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""failure"",""code"":{resultReason}\b"), log);

        // Untouched by the app: only OVMF's own boot-time writes (variable area, blocks 0-4) may differ.
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        string differing = E2eRecoveryLab.AssertNothingWritten(files.Interrupted, File.ReadAllBytes(exit.VarsPath), "the capsule was refused");
        _output.WriteLine("blocks changed during the run (OVMF's own variable writes): " + differing);
    }

    private static async Task PackRogueAsync(string kind, string payloadPath, string capsulePath)
    {
        switch (kind)
        {
            case "tampered":
            {
                await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, capsulePath);
                byte[] capsule = File.ReadAllBytes(capsulePath);
                capsule[capsule.Length - 0x2000] ^= 0x01; // one bit of the signed payload (the payload is the capsule's tail)
                File.WriteAllBytes(capsulePath, capsule);
                break;
            }
            case "untrusted-key":
                await RecoveryManager.PackAsync(payloadPath, RecoveryManager.UntrustedKey, capsulePath);
                break;
            case "rollback":
                // Validly signed, but FwVersion 0x100 is below the machine's stored floor uefirecovery.lsv=0x00010000.
                await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, capsulePath, version: "0x00000100", lsv: "0x00000100");
                break;
            case "wrong-image-type":
                await RecoveryManager.PackAsync(payloadPath, RecoveryManager.Rsa2048TestKey, capsulePath, imageType: OtherImageType);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown rogue capsule kind");
        }
    }
}
