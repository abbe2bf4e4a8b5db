using System.Linq;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using UefiRecovery.Agent.Instructions;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Agent.Tests;

/// <summary>The agent's whole path for one datagram, against a fake machine in a temporary directory.</summary>
public class InstructionHandlerTests
{
    private const string GlobalGuid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
    private const string VendorGuid = "1c2f4afa-2835-41fd-9cbc-7e594c1bc6ab";

    /// <summary>
    /// Boot0000 laid out by hand from UEFI 2.10 §3.1.3 and §10.3.5.1/§10.3.5.4: attributes NV+BS+RT, then
    /// LOAD_OPTION_ACTIVE, FilePathListLength 0x5E, "UefiRecovery" in UCS-2, HD(1, GPT, 6A3B2C1D-..., 0x800, 0x2000),
    /// File(\EFI\BOOT\BOOTX64.EFI), End.
    /// </summary>
    private const string ExpectedBoot0000 =
        "07000000" + "01000000" + "5E00" + "55006500660069005200650063006F0076006500720079000000"
        + "04012A00" + "01000000" + "0008000000000000" + "0020000000000000" + "1D2C3B6A5F4E6B4A8C7D9E0F1A2B3C4D" + "02" + "02"
        + "04043000" + "5C004500460049005C0042004F004F0054005C0042004F004F0054005800360034002E004500460049000000"
        + "7FFF0400";

    private const string ExpectedConfig =
        "# uefirecovery-agent instruction=0x1122334455667788 counter=5 mac=525400123456\n"
        + "uefirecovery.mode=recover\n"
        + "uefirecovery.manager=192.168.100.1:40123\n"
        + "uefirecovery.instruction=0x1122334455667788\n";

    [Fact]
    public void Handle_ValidInstruction_WritesEntryInstructionConfigAndBootNextByteExactReportsAndReboots()
    {
        using var machine = new FakeMachine();
        byte[] datagram = Instructions.Signed(Instructions.Message());

        HandleOutcome outcome = machine.Deliver(datagram);

        Assert.True(outcome.Verdict.IsAccepted, outcome.Verdict.Reason + "\n" + machine.Log);
        Assert.Equal(AgentFailure.None, outcome.Failure);
        Assert.True(outcome.EntryCreated);
        Assert.Equal(ExpectedBoot0000, Convert.ToHexString(machine.Variable("Boot0000-" + GlobalGuid)));
        Assert.Equal("070000000000", Convert.ToHexString(machine.Variable("BootNext-" + GlobalGuid)));
        Assert.Equal("07000000" + Convert.ToHexString(Encoding.ASCII.GetBytes(ExpectedConfig)),
            Convert.ToHexString(machine.Variable("UefiRecoveryConfig-" + VendorGuid)));
        Assert.Equal("07000000" + Convert.ToHexString(datagram), Convert.ToHexString(machine.Variable("UefiRecoveryInstruction-" + VendorGuid)));
        Assert.Equal(4, Directory.GetFiles(machine.Efivars).Length);
        Assert.Equal(new[] { "counter-", "pending-instruction" },
            Directory.GetFiles(machine.State).Select(f => Path.GetFileName(f).StartsWith("counter-") ? "counter-" : Path.GetFileName(f)).Order());
        Assert.Equal("5\n", File.ReadAllText(Directory.GetFiles(machine.State, "counter-*")[0]));
        Assert.Equal(ExpectedConfig, File.ReadAllText(Path.Combine(machine.State, "pending-instruction")));
        Assert.Equal(1, machine.Rebooter.Reboots);
        AgentReportMessage report = SingleReport(machine, out string version);
        Assert.Equal(AgentState.Rebooting, report.State);
        Assert.Equal(Instructions.Id, report.InstructionId);
        Assert.Equal(5UL, report.Counter);
        Assert.Equal(FakeMachine.Mac, report.MacAddress);
        Assert.Equal(0, report.BootEntry);
        Assert.Equal(FakeMachine.BiosVersion, version);
        Assert.Equal("192.168.100.1:40123", machine.Sender.Sent[0].Destination.ToString());
    }

    /// <summary>efibootmgr's own decoder (efibootdump, package efibootmgr) reads the entry the agent wrote.</summary>
    [Fact]
    public void Handle_ValidInstruction_EfibootdumpDecodesTheEntry()
    {
        using var machine = new FakeMachine();
        machine.Deliver(Instructions.Signed(Instructions.Message()));
        string file = Path.Combine(machine.Root, "Boot0000.bin");
        File.WriteAllBytes(file, machine.Variable("Boot0000-" + GlobalGuid));

        string output = Run("efibootdump", "-f", file);

        Assert.Contains("UefiRecovery", output);
        Assert.Contains("HD(1,GPT,6a3b2c1d-4e5f-4a6b-8c7d-9e0f1a2b3c4d,0x800,0x2000)/File(\\EFI\\BOOT\\BOOTX64.EFI)", output);
    }

    public static TheoryData<string, InstructionRejection> RejectionCases() => new TheoryData<string, InstructionRejection>
    {
        { "unsigned (signature kind 0)", InstructionRejection.Malformed },
        { "signature all zeros", InstructionRejection.BadSignature },
        { "tampered counter, CRC repaired", InstructionRejection.BadSignature },
        { "tampered manager address, CRC repaired", InstructionRejection.BadSignature },
        { "CRC broken", InstructionRejection.Malformed },
        { "truncated by one byte", InstructionRejection.Malformed },
        { "signed by another key", InstructionRejection.UntrustedKey },
        { "expired", InstructionRejection.Expired },
        { "expires this second", InstructionRejection.Expired },
        { "other MAC", InstructionRejection.OtherMachine },
        { "MAC of loopback (zero) is no NIC", InstructionRejection.OtherMachine },
        { "other system UUID", InstructionRejection.OtherMachine },
        { "system UUID unreadable", InstructionRejection.OtherMachine },
    };

    [Theory]
    [MemberData(nameof(RejectionCases))]
    public void Handle_BadInstruction_RejectedWithReasonNothingWrittenNothingSentNoReboot(string name, InstructionRejection expected)
    {
        using var machine = new FakeMachine();
        byte[] datagram = BadInstruction(name, machine);
        SortedDictionary<string, string> before = machine.Snapshot();

        HandleOutcome outcome = machine.Deliver(datagram);

        Assert.True(expected == outcome.Verdict.Rejection, name + ": " + outcome.Verdict.Rejection + " " + outcome.Verdict.Reason);
        Assert.Equal(before, machine.Snapshot());
        Assert.Empty(machine.Sender.Sent);
        Assert.Equal(0, machine.Rebooter.Reboots);
        Assert.Contains("INSTRUCTION rejected", machine.Log.ToString());
        Assert.Contains("reason=" + expected, machine.Log.ToString());
    }

    private static byte[] BadInstruction(string name, FakeMachine machine)
    {
        switch (name)
        {
            case "unsigned (signature kind 0)":
                byte[] unsigned = Instructions.Signed(Instructions.Message());
                unsigned[32 + 31] = 0;
                unsigned.AsSpan(InstructionSignature.SignedLength).Clear();
                Instructions.FixCrc(unsigned);
                return unsigned;
            case "signature all zeros":
                byte[] zeros = Instructions.Signed(Instructions.Message());
                zeros.AsSpan(InstructionSignature.SignedLength).Clear();
                Instructions.FixCrc(zeros);
                return zeros;
            case "tampered counter, CRC repaired":
                byte[] counter = Instructions.Signed(Instructions.Message());
                counter[32 + 15] ^= 0x40;
                Instructions.FixCrc(counter);
                return counter;
            case "tampered manager address, CRC repaired":
                byte[] manager = Instructions.Signed(Instructions.Message());
                manager[32 + 75] ^= 0x01;
                Instructions.FixCrc(manager);
                return manager;
            case "CRC broken":
                byte[] crc = Instructions.Signed(Instructions.Message());
                crc[MessageHeader.CrcOffset] ^= 0x01;
                return crc;
            case "truncated by one byte":
                return Instructions.Signed(Instructions.Message()).AsSpan(0, InstructionSignature.DatagramLength - 1).ToArray();
            case "signed by another key":
                using (RSA other = RSA.Create(2048))
                {
                    return Instructions.Signed(Instructions.Message(), other);
                }
            case "expired":
                machine.Now = DateTimeOffset.FromUnixTimeSeconds((long)Instructions.Expiry + 1);
                return Instructions.Signed(Instructions.Message());
            case "expires this second":
                machine.Now = DateTimeOffset.FromUnixTimeSeconds((long)Instructions.Expiry);
                return Instructions.Signed(Instructions.Message());
            case "other MAC":
                return Instructions.Signed(Instructions.Message(mac: 0x525400123457));
            case "MAC of loopback (zero) is no NIC":
                // A zero MAC is refused by the codec already; the loopback's address never counts as a NIC's.
                machine.WriteText("net/eth0/address", "52:54:00:aa:bb:cc\n");
                return Instructions.Signed(Instructions.Message());
            case "other system UUID":
                return Instructions.Signed(Instructions.Message(uuid: "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b42"));
            case "system UUID unreadable":
                File.Delete(Path.Combine(machine.Root, "dmi", "product_uuid"));
                return Instructions.Signed(Instructions.Message());
            default:
                throw new ArgumentException(name);
        }
    }

    [Fact]
    public void Handle_SameInstructionTwice_SecondIsReplayAndChangesNothing()
    {
        using var machine = new FakeMachine();
        byte[] datagram = Instructions.Signed(Instructions.Message(counter: 7));
        Assert.True(machine.Deliver(datagram).Verdict.IsAccepted);
        SortedDictionary<string, string> afterFirst = machine.Snapshot();

        HandleOutcome second = machine.Deliver(datagram);

        Assert.Equal(InstructionRejection.Replayed, second.Verdict.Rejection);
        Assert.Equal(afterFirst, machine.Snapshot());
        Assert.Single(machine.Sender.Sent);
        Assert.Equal(1, machine.Rebooter.Reboots);
    }

    [Fact]
    public void Handle_LowerCounterAfterAgentRestart_Replayed()
    {
        using var machine = new FakeMachine();
        Assert.True(machine.Handler().Handle(Instructions.Signed(Instructions.Message(counter: 9)), new System.Net.IPEndPoint(0, 1)).Verdict.IsAccepted);
        SortedDictionary<string, string> afterFirst = machine.Snapshot();

        // A new handler, verifier and counter store: the agent restarted, the state directory stayed.
        HandleOutcome older = machine.Handler().Handle(Instructions.Signed(Instructions.Message(counter: 8, id: 0x99)), new System.Net.IPEndPoint(0, 1));

        Assert.Equal(InstructionRejection.Replayed, older.Verdict.Rejection);
        Assert.Equal(afterFirst, machine.Snapshot());
    }

    [Fact]
    public void Handle_HigherCounterAfterAccepted_TakenAgainAndReusesTheEntry()
    {
        using var machine = new FakeMachine();
        Assert.True(machine.Deliver(Instructions.Signed(Instructions.Message(counter: 5))).Verdict.IsAccepted);

        HandleOutcome next = machine.Deliver(Instructions.Signed(Instructions.Message(counter: 6, id: 0xABCDEF)));

        Assert.True(next.Verdict.IsAccepted, next.Verdict.Reason);
        Assert.False(next.EntryCreated);
        Assert.Equal(0, next.BootEntry);
        Assert.False(File.Exists(Path.Combine(machine.Efivars, "Boot0001-" + GlobalGuid)));
        Assert.Contains("uefirecovery.instruction=0x0000000000ABCDEF\n", Encoding.ASCII.GetString(machine.Variable("UefiRecoveryConfig-" + VendorGuid)));
        Assert.DoesNotContain("0x1122334455667788", Encoding.ASCII.GetString(machine.Variable("UefiRecoveryConfig-" + VendorGuid)));
    }

    [Fact]
    public void Handle_NoEfivarfs_ClearErrorToManagerNothingWrittenNoReboot()
    {
        using var machine = new FakeMachine();
        Directory.Delete(machine.Efivars);

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.True(outcome.Verdict.IsAccepted);
        Assert.Equal(AgentFailure.NoEfivarfs, outcome.Failure);
        Assert.False(Directory.Exists(machine.Efivars));
        Assert.Equal(0, machine.Rebooter.Reboots);
        AgentReportMessage report = SingleReport(machine, out _);
        Assert.Equal(AgentState.Failed, report.State);
        Assert.Equal(AgentFailure.NoEfivarfs, report.Failure);
        Assert.Equal(AgentReportMessage.NoBootEntry, report.BootEntry);
        Assert.Contains("no efivarfs", machine.Log.ToString());
    }

    [Fact]
    public void Handle_EfivarsDirectoryWithoutEfivarfsMounted_NoEfivarfsNothingWrittenNoReboot()
    {
        using var machine = new FakeMachine();
        // A UEFI-booted kernel has /sys/firmware/efi/efivars even with nothing mounted on it: a bare sysfs directory.
        // Any sysfs directory stands in for it here.
        machine.Options.EfivarsRoot = "/sys/kernel";

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.True(outcome.Verdict.IsAccepted);
        Assert.Equal(AgentFailure.NoEfivarfs, outcome.Failure);
        Assert.Empty(Directory.GetFileSystemEntries(machine.Efivars));
        Assert.Equal(0, machine.Rebooter.Reboots);
        AgentReportMessage report = SingleReport(machine, out _);
        Assert.Equal(AgentFailure.NoEfivarfs, report.Failure);
        Assert.Contains("has no efivarfs mounted on it", machine.Log.ToString());
    }

    [Fact]
    public void Handle_EntryMadeByEfibootmgrStyleFullPath_ReusedAndBootOrderUntouched()
    {
        using var machine = new FakeMachine();
        // PciRoot(0x0)/Pci(0x4,0x0)/HD(1,GPT,...)/File(\efi\boot\bootx64.efi) as firmware expands it, lower case path.
        byte[] path = Convert.FromHexString("0201" + "0C00" + "D041030A" + "00000000" + "0101" + "0600" + "00" + "04"
            + ExpectedBoot0000.Substring(8 + 8 + 4 + 52, 84)
            + "0404" + "3000" + Convert.ToHexString(Encoding.Unicode.GetBytes("\\efi\\boot\\bootx64.efi\0")) + "7FFF0400");
        byte[] option = new byte[6 + 26 + path.Length];
        BitConverter.GetBytes(1u).CopyTo(option, 0);
        BitConverter.GetBytes((ushort)path.Length).CopyTo(option, 4);
        Encoding.Unicode.GetBytes("UEFI Misc Device\0").AsSpan(0, 26).CopyTo(option.AsSpan(6));
        option[6 + 24] = 0;
        option[6 + 25] = 0;
        path.CopyTo(option, 32);
        File.WriteAllBytes(Path.Combine(machine.Efivars, "Boot0003-" + GlobalGuid), Prefix(option));
        File.WriteAllBytes(Path.Combine(machine.Efivars, "Boot0000-" + GlobalGuid), Prefix(new byte[] { 1, 0, 0, 0, 4, 0, 0x41, 0, 0, 0, 0x7F, 0xFF, 4, 0 }));
        File.WriteAllBytes(Path.Combine(machine.Efivars, "BootOrder-" + GlobalGuid), Prefix(new byte[] { 0, 0, 3, 0 }));
        string bootOrderBefore = Convert.ToHexString(machine.Variable("BootOrder-" + GlobalGuid));

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.None, outcome.Failure);
        Assert.False(outcome.EntryCreated);
        Assert.Equal(3, outcome.BootEntry);
        Assert.Equal("070000000300", Convert.ToHexString(machine.Variable("BootNext-" + GlobalGuid)));
        Assert.Equal(bootOrderBefore, Convert.ToHexString(machine.Variable("BootOrder-" + GlobalGuid)));
        Assert.False(File.Exists(Path.Combine(machine.Efivars, "Boot0001-" + GlobalGuid)));
    }

    [Fact]
    public void Handle_OtherEntriesTaken_CreatesAtLowestFreeNumber()
    {
        using var machine = new FakeMachine();
        byte[] unrelated = Prefix(new byte[] { 1, 0, 0, 0, 4, 0, 0x41, 0, 0, 0, 0x7F, 0xFF, 4, 0 });
        File.WriteAllBytes(Path.Combine(machine.Efivars, "Boot0000-" + GlobalGuid), unrelated);
        File.WriteAllBytes(Path.Combine(machine.Efivars, "Boot0001-" + GlobalGuid), unrelated);

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.True(outcome.EntryCreated);
        Assert.Equal(2, outcome.BootEntry);
        Assert.Equal("07000000" + ExpectedBoot0000.Substring(8), Convert.ToHexString(machine.Variable("Boot0002-" + GlobalGuid)));
        Assert.Equal(Convert.ToHexString(unrelated), Convert.ToHexString(machine.Variable("Boot0000-" + GlobalGuid)));
        Assert.Equal("070000000200", Convert.ToHexString(machine.Variable("BootNext-" + GlobalGuid)));
    }

    /// <summary>efivarfs makes existing variables immutable; the agent clears the flag before it writes (chattr on the test's ext4/tmpfs).</summary>
    [Fact]
    public void Handle_ExistingImmutableBootNextAndConfig_FlagClearedAndReplaced()
    {
        using var machine = new FakeMachine();
        string bootNext = Path.Combine(machine.Efivars, "BootNext-" + GlobalGuid);
        string config = Path.Combine(machine.Efivars, "UefiRecoveryConfig-" + VendorGuid);
        File.WriteAllBytes(bootNext, Prefix(new byte[] { 9, 0 }));
        File.WriteAllBytes(config, Prefix(Encoding.ASCII.GetBytes("uefirecovery.next=\\EFI\\debian\\shimx64.efi\r\nuefirecovery.mode=auto\nuefirecovery.log=debug\n")));
        Run("chattr", "+i", bootNext);
        Run("chattr", "+i", config);
        Assert.Contains("i", Run("lsattr", bootNext).Split(' ')[0]);

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.None, outcome.Failure);
        Assert.Equal("070000000000", Convert.ToHexString(File.ReadAllBytes(bootNext)));
        Assert.Equal("uefirecovery.next=\\EFI\\debian\\shimx64.efi\nuefirecovery.log=debug\n" + ExpectedConfig,
            Encoding.ASCII.GetString(File.ReadAllBytes(config).AsSpan(4)));
    }

    [Fact]
    public void Handle_TwoEspsWithoutName_NoEspPartitionReportedNoReboot()
    {
        using var machine = new FakeMachine();
        FakeMachine.MakeGptDisk(Path.Combine(machine.Root, "dev", "vda"),
            "start=2048, size=8192, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=" + FakeMachine.EspUuid + "\n"
            + "start=10240, size=4096, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\n");

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.NoEspPartition, outcome.Failure);
        Assert.Empty(Directory.GetFiles(machine.Efivars));
        Assert.Equal(0, machine.Rebooter.Reboots);
        Assert.Contains("2 EFI system partitions (vda1, vda2): name one with --esp", machine.Log.ToString());
        Assert.Equal(AgentFailure.NoEspPartition, SingleReport(machine, out _).Failure);
    }

    [Fact]
    public void Handle_TwoEspsNamedWithEspOption_UsesThatPartition()
    {
        using var machine = new FakeMachine();
        FakeMachine.MakeGptDisk(Path.Combine(machine.Root, "dev", "vda"),
            "start=2048, size=8192, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=" + FakeMachine.EspUuid + "\n"
            + "start=10240, size=4096, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=0D0E0F10-1112-4314-9516-171819202122\n");
        machine.Options.EspName = "vda2";

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.None, outcome.Failure);
        string entry = Convert.ToHexString(machine.Variable("Boot0000-" + GlobalGuid));
        Assert.Contains("04012A00" + "02000000" + "0028000000000000" + "0010000000000000" + "100F0E0D121114439516171819202122", entry);
    }

    [Fact]
    public void Handle_GptHeaderCorrupt_NoEspPartitionWithReason()
    {
        using var machine = new FakeMachine();
        using (FileStream disk = new FileStream(Path.Combine(machine.Root, "dev", "vda"), FileMode.Open))
        {
            disk.Position = 512 + 40;
            disk.WriteByte(0xFF);
        }

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.NoEspPartition, outcome.Failure);
        Assert.Contains("GPT header CRC-32 mismatch", machine.Log.ToString());
        Assert.Empty(Directory.GetFiles(machine.Efivars));
    }

    [Fact]
    public void Handle_SysfsDisagreesWithGpt_NoEspPartition()
    {
        using var machine = new FakeMachine();
        machine.WriteText("block/vda/vda1/start", "4096\n");

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.NoEspPartition, outcome.Failure);
        Assert.Contains("disagree with GPT entry 1", machine.Log.ToString());
    }

    [Fact]
    public void Handle_FromAnotherAddressThanTheManager_ReportedToBoth()
    {
        using var machine = new FakeMachine();

        machine.Handler().Handle(Instructions.Signed(Instructions.Message()), new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.0.9"), 50000));

        Assert.Equal(2, machine.Sender.Sent.Count);
        Assert.Equal("192.168.100.1:40123", machine.Sender.Sent[0].Destination.ToString());
        Assert.Equal("10.0.0.9:50000", machine.Sender.Sent[1].Destination.ToString());
        Assert.Equal(machine.Sender.Sent[0].Datagram, machine.Sender.Sent[1].Datagram);
    }

    [Fact]
    public void Handle_RebootFails_SecondReportSaysSo()
    {
        using var machine = new FakeMachine();
        machine.Rebooter.Fail = true;

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.RebootFailed, outcome.Failure);
        Assert.Equal(2, machine.Sender.Sent.Count);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(machine.Sender.Sent[1].Datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage second, out _));
        Assert.Equal(AgentFailure.RebootFailed, second.Failure);
    }

    private static byte[] Prefix(byte[] data)
    {
        byte[] bytes = new byte[4 + data.Length];
        bytes[0] = 7;
        data.CopyTo(bytes, 4);
        return bytes;
    }

    private static AgentReportMessage SingleReport(FakeMachine machine, out string version)
    {
        Assert.Single(machine.Sender.Sent);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(machine.Sender.Sent[0].Datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage report, out ReadOnlySpan<byte> text));
        version = Encoding.ASCII.GetString(text);
        return report;
    }

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, tool + " " + string.Join(" ", args) + ": " + output);
        return output;
    }
}
