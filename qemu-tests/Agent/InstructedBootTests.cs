using System;
using System.Buffers.Binary;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Config;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>
/// What a compromised OS can leave for the app instead of a genuine instruction (issue #13; docs/protocol.md §4.11):
/// the OS writes <c>UefiRecoveryInstruction</c> itself (NV+BS+RT, as efivarfs would), straight into the vars file
/// here. Every forged, foreign, stale or replayed one is refused with its reason and deleted; the valid region is
/// handed over, nothing is erased and nothing is asked of the real manager serving a trusted capsule on the same
/// bridge. An instruction that checks out but names another MAC is refused once the NIC is open, before any REQUEST;
/// its counter, stored when the signed part checked out, stays used. Needs root; namespaces carry the prefix "ins".
/// </summary>
public sealed class InstructedBootTests
{
    private const string NamespacePrefix = "ins";
    private const string Uuid = "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41";
    private const ulong StoredCounter = 100;
    private static readonly Guid Vendor = AgentGuestLab.RecoveryVendor;

    private readonly ITestOutputHelper _output;

    public InstructedBootTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string> RefusedBeforeTheNetwork() => new()
    {
        { "tampered", "BadSignature" },
        { "untrusted-key", "UntrustedKey" },
        { "other-uuid", "OtherMachine" },
        { "expired", "Expired" },
        { "replayed", "Replayed" },
        { "no-trust-instruction", "NoTrustedKeys" },
    };

    [RootTheory]
    [MemberData(nameof(RefusedBeforeTheNetwork))]
    public async Task Boot_OsWroteABadInstruction_RefusedWithReasonDeletedValidRegionHandedOverNothingErased(string kind, string verdict)
    {
        Boot boot = await RunAsync(kind);

        BootAssert.NotNull(boot.Serial.Find(new Regex("^RECOVERY INSTRUCTION id=0x[0-9A-F]{16} counter=\\d+ last=(0|" + StoredCounter + ") verdict=" + verdict + " bytes=648$")),
            boot.Exit, "the refusal with its reason");
        BootAssert.NotNull(boot.Serial.Find(new Regex("^RECOVERY BEGIN mode=auto$")), boot.Exit, "auto, not a forced recovery");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^FIRMWARE VALID$")), "'FIRMWARE VALID'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        BootAssert.True(boot.Serial.IndexOf("^RECOVERY (PHASE|NIC|STATIC|OFFER|VERIFIED|WRITE)") < 0, boot.Exit, "a network or write step after a refused instruction");
        AssertNothingAskedNothingErased(boot);
        var after = AgentGuestLab.CurrentVariables(boot.Exit.VarsPath);
        Assert.Null(AgentGuestLab.Recovery(after, "UefiRecoveryInstruction"));
        byte[]? counter = AgentGuestLab.Recovery(after, "UefiRecoveryInstructionCounter");
        Assert.Equal(kind == "replayed" ? StoredCounter : 0UL, counter == null ? 0UL : BinaryPrimitives.ReadUInt64LittleEndian(counter));
    }

    [RootFact]
    public async Task Boot_ValidInstructionForAnotherMac_RefusedOnceTheNicIsOpenNoRequestCounterUsed()
    {
        Boot boot = await RunAsync("other-mac");

        BootAssert.NotNull(boot.Serial.Find(new Regex("^RECOVERY INSTRUCTION id=0x[0-9A-F]{16} counter=\\d+ last=0 verdict=Valid bytes=648$")), boot.Exit, "the signed part valid");
        BootAssert.NotNull(boot.Serial.Find(new Regex("^RECOVERY INSTRUCTION refused id=0x[0-9A-F]{16} reason=OtherMachine ")), boot.Exit, "the MAC refused");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=instruction$")),
            "'RECOVERY DONE verdict=failed reason=instruction'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        BootAssert.True(boot.Serial.IndexOf("^RECOVERY (PHASE discovering|OFFER|VERIFIED|WRITE)") < 0, boot.Exit, "discovery or a write after the refusal");
        AssertNothingAskedNothingErased(boot);
        var after = AgentGuestLab.CurrentVariables(boot.Exit.VarsPath);
        Assert.Null(AgentGuestLab.Recovery(after, "UefiRecoveryInstruction"));
        // Stored as soon as the signed part checked out, before the NIC: the instruction is used, as the agent's is.
        byte[]? counter = AgentGuestLab.Recovery(after, "UefiRecoveryInstructionCounter");
        Assert.Equal(StoredCounter + 1, counter == null ? 0UL : BinaryPrimitives.ReadUInt64LittleEndian(counter));
    }

    private sealed record Boot(QemuExit Exit, SerialLog Serial, FlashWatch.Counts Flash, string ManagerOutput, string Results);

    private async Task<Boot> RunAsync(string kind)
    {
        string run = TestEnvironment.NewRunDirectory("instructed-" + kind);
        (_, string images) = await E2eRecoveryLab.PackTrustedCapsuleAsync(run);
        EspImage esp = E2eRecoveryLab.EspWith(interruptedMarker: false).BuildFatImage(Path.Combine(run, "esp.img"));
        string vars = Path.Combine(run, "vars-with-instruction.fd");
        File.WriteAllBytes(vars, VarsWith(kind));
        string results = Path.Combine(run, "results.jsonl");
        string trace = Path.Combine(run, "pflash-trace.log");

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(images, results, gatherSeconds: 1));
        string[] oem = E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress);
        if (kind != "no-trust-instruction")
            oem = [.. oem, "uefirecovery.trust.instruction=" + RecoveryManager.TestKeyHash];
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(run, "1-boot"),
            Nic = NicSetup.Tap(segment.Tap, NicModel.VirtioNetOvmfDriver),
            NetworkNamespace = segment.Namespace.Name,
            OemStrings = oem,
            Timeout = TimeSpan.FromMinutes(5),
            VarsTemplatePath = vars,
            ExtraArguments = [.. FlashWatch.QemuArguments(trace), "-uuid", Uuid],
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string managerOutput = E2eRecoveryLab.SaveManagerLog(run, manager);
        FlashWatch.Counts flash = FlashWatch.Read(trace, esp);
        _output.WriteLine(kind + ": " + flash);
        return new Boot(exit, serial, flash, managerOutput, results);
    }

    private static void AssertNothingAskedNothingErased(Boot boot)
    {
        Assert.DoesNotContain("REQUEST from", boot.ManagerOutput, StringComparison.Ordinal);
        Assert.Empty(E2eRecoveryLab.ResultLines(boot.Results));
        Assert.True(boot.Flash.Commands > 0, "the trace saw none of OVMF's own variable writes: is it running? " + boot.Flash);
        Assert.Equal(0, boot.Flash.Erases);
    }

    /// <summary>Debian's pristine vars with the instruction the "OS" left (NV+BS+RT) and, for a replay, the app's stored counter (NV+BS).</summary>
    private static byte[] VarsWith(string kind)
    {
        string key = kind == "untrusted-key" ? RecoveryManager.UntrustedKey : RecoveryManager.Rsa2048TestKey;
        string mac = kind == "other-mac" ? "52:54:00:00:00:99" : QemuMachineOptions.DefaultMacAddress;
        string uuid = kind == "other-uuid" ? "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6" : Uuid;
        DateTimeOffset expiry = kind == "expired" ? DateTimeOffset.UtcNow.AddMinutes(-5) : DateTimeOffset.UtcNow.AddMinutes(30);
        ulong counter = kind == "replayed" ? StoredCounter - 50 : StoredCounter + 1;
        byte[] instruction = CraftedInstruction.Signed(key, counter, expiry, mac, uuid, E2eRecoveryLab.HostAddress, E2eRecoveryLab.ManagerPort);
        if (kind == "tampered")
            instruction = CraftedInstruction.Tampered(instruction);
        byte[] vars = VarStoreWriter.Append(File.ReadAllBytes(PristineVars.Path), "UefiRecoveryInstruction", Vendor,
            VarStoreWriter.NonVolatileBootServiceRuntime, instruction);
        if (kind == "replayed")
        {
            byte[] stored = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(stored, StoredCounter);
            vars = VarStoreWriter.Append(vars, "UefiRecoveryInstructionCounter", Vendor, VarStoreWriter.NonVolatileBootService, stored);
        }
        return vars;
    }
}
