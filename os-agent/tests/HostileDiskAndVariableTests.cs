using System;
using System.Buffers.Binary;
using System.IO;
using UefiRecovery.Agent.Instructions;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Agent.Tests;

/// <summary>
/// What the agent reads besides the instruction is hostile too: the disk's GPT and the Boot#### variables are
/// whatever the OS (or a broken tool) left there. Bad bytes give a reason, never an exception or a wrong entry.
/// </summary>
public class HostileDiskAndVariableTests
{
    private const string GlobalGuid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

    public static TheoryData<string, int, string, string> GptHeaderCases() => new TheoryData<string, int, string, string>
    {
        // name, offset in LBA 1, little-endian value (hex) to store, expected reason (after the CRC is repaired)
        { "header size 91", 12, "5B000000", "GPT header size 91 out of range" },
        { "header size larger than the block", 12, "01020000", "GPT header size 513 out of range" },
        { "entry size 0", 84, "00000000", "out of range" },
        { "entry size 129 (not a power of two)", 84, "81000000", "out of range" },
        { "2^31 entries", 80, "00000080", "out of range" },
        { "entry array at LBA 1", 72, "0100000000000000", "out of range" },
        { "entry array beyond the disk", 72, "0000010000000000", "beyond the end of the disk" },
        { "entry array CRC wrong", 88, "00000000", "entry array CRC-32 mismatch" },
        { "signature", 0, "4546492050415253", "no \"EFI PART\" signature" },
    };

    [Theory]
    [MemberData(nameof(GptHeaderCases))]
    public void Handle_HostileGptHeader_NoEspPartitionWithReasonNothingWritten(string name, int offset, string valueHex, string reason)
    {
        using var machine = new FakeMachine();
        string disk = Path.Combine(machine.Root, "dev", "vda");
        byte[] header = new byte[512];
        using (var file = new FileStream(disk, FileMode.Open))
        {
            file.Position = 512;
            file.ReadExactly(header);
            Convert.FromHexString(valueHex).CopyTo(header, offset);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), Core.Protocol.Wire.Crc32.Compute(header.AsSpan(0, 92)));
            file.Position = 512;
            file.Write(header);
        }

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.True(outcome.Failure == AgentFailure.NoEspPartition, name + ": " + outcome.Failure + "\n" + machine.Log);
        Assert.Contains(reason, machine.Log.ToString());
        Assert.Empty(Directory.GetFiles(machine.Efivars));
        Assert.Equal(0, machine.Rebooter.Reboots);
    }

    [Fact]
    public void Handle_DiskShorterThanTwoBlocks_NoEspPartition()
    {
        using var machine = new FakeMachine();
        File.WriteAllBytes(Path.Combine(machine.Root, "dev", "vda"), new byte[700]);

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.NoEspPartition, outcome.Failure);
        Assert.Contains("shorter than 2 blocks", machine.Log.ToString());
    }

    public static TheoryData<string, string> GarbageOptionCases() => new TheoryData<string, string>
    {
        { "empty", "" },
        { "shorter than the header", "0100000000" },
        { "description without NUL", "01000000040041004200" },
        { "path length beyond the data", "010000002000" + "00" + "00" + "7FFF0400" },
        { "node of length 0", "010000000800" + "0000" + "04010000" + "7FFF0400" },
        { "node longer than the path", "010000000800" + "0000" + "0401FF00" + "7FFF0400" },
        { "HD node of the wrong length", "010000000C00" + "0000" + "04010800" + "01000000" + "7FFF0400" },
        { "File node of odd length", "010000000D00" + "0000" + "04040900" + "5C00410000" + "7FFF0400" },
    };

    /// <summary>A malformed Boot#### is skipped (not reused, not overwritten): the agent takes the next free number.</summary>
    [Theory]
    [MemberData(nameof(GarbageOptionCases))]
    public void Handle_GarbageBootEntry_SkippedAndLeftAloneNewEntryCreated(string name, string optionHex)
    {
        using var machine = new FakeMachine();
        byte[] garbage = new byte[4 + optionHex.Length / 2];
        garbage[0] = 7;
        Convert.FromHexString(optionHex).CopyTo(garbage, 4);
        string garbagePath = Path.Combine(machine.Efivars, "Boot0000-" + GlobalGuid);
        File.WriteAllBytes(garbagePath, garbage);

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.True(outcome.Failure == AgentFailure.None, name + ": " + outcome.Failure);
        Assert.Equal(1, outcome.BootEntry);
        Assert.True(outcome.EntryCreated);
        Assert.Equal(garbage, File.ReadAllBytes(garbagePath));
    }

    [Fact]
    public void Handle_VariableFileShorterThanAttributes_CountsAsTakenNumber()
    {
        using var machine = new FakeMachine();
        File.WriteAllBytes(Path.Combine(machine.Efivars, "Boot0000-" + GlobalGuid), new byte[] { 7, 0 });

        HandleOutcome outcome = machine.Deliver(Instructions.Signed(Instructions.Message()));

        Assert.Equal(AgentFailure.None, outcome.Failure);
        Assert.Equal(1, outcome.BootEntry);
    }
}
