using System;
using System.IO;
using System.Net;
using System.Text;
using UefiRecovery.Agent.Instructions;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Agent.Tests;

/// <summary>The agent's start after the reboot an instruction caused: settings removed, the new firmware reported.</summary>
public class AgentStartupTests
{
    private const string VendorGuid = "1c2f4afa-2835-41fd-9cbc-7e594c1bc6ab";

    [Fact]
    public void Run_AfterInstructionReboot_RemovesAgentSettingsKeepsOsLinesReportsRunningWithNewVersion()
    {
        using var machine = new FakeMachine();
        machine.WriteText("efivars/UefiRecoveryConfig-" + VendorGuid, "\u0007\0\0\0uefirecovery.log=debug\n");
        Assert.True(machine.Deliver(Instructions.Signed(Instructions.Message())).Verdict.IsAccepted);
        machine.WriteText("dmi/bios_version", "edk2-stable202302\n");
        machine.Sender.Sent.Clear();

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.Equal("uefirecovery.log=debug\n", Encoding.ASCII.GetString(machine.Variable("UefiRecoveryConfig-" + VendorGuid).AsSpan(4)));
        Assert.False(File.Exists(Path.Combine(machine.Efivars, "UefiRecoveryInstruction-" + VendorGuid)));
        Assert.True(File.Exists(Path.Combine(machine.Efivars, "Boot0000-8be4df61-93ca-11d2-aa0d-00e098032b8c")), "the boot entry stays for the next instruction");
        Assert.Single(machine.Sender.Sent);
        Assert.Equal("192.168.100.1:40123", machine.Sender.Sent[0].Destination.ToString());
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(machine.Sender.Sent[0].Datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage report, out ReadOnlySpan<byte> version));
        Assert.Equal(AgentState.Running, report.State);
        Assert.Equal(Instructions.Id, report.InstructionId);
        Assert.Equal(5UL, report.Counter);
        Assert.Equal(FakeMachine.Mac, report.MacAddress);
        Assert.Equal("edk2-stable202302", Encoding.ASCII.GetString(version));
    }

    /// <summary>On OVMF recovery rewrites the variable store itself: the agent's lines are gone, its marker is not.</summary>
    [Fact]
    public void Run_VariablesRewrittenByRecovery_ReportsRunningFromTheMarkerWithTheRecordedVersion()
    {
        using var machine = new FakeMachine();
        Assert.True(machine.Deliver(Instructions.Signed(Instructions.Message())).Verdict.IsAccepted);
        foreach (string variable in Directory.GetFiles(machine.Efivars, "UefiRecovery*"))
            File.Delete(variable);
        machine.WriteText("esp/UEFIRECOVERY-INSTALLED.TXT",
            "UEFIRECOVERY-INSTALLED v1 version=0x00010002 instruction=0x" + Instructions.Id.ToString("X16") + " region-sha256=" + new string('a', 64) + "\n");
        machine.Sender.Sent.Clear();

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.Single(machine.Sender.Sent);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(machine.Sender.Sent[0].Datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage report, out ReadOnlySpan<byte> version));
        Assert.Equal(AgentState.Running, report.State);
        Assert.Equal(Instructions.Id, report.InstructionId);
        Assert.Equal(FakeMachine.BiosVersion + " recovered=0x00010002", Encoding.ASCII.GetString(version));
        Assert.False(File.Exists(Path.Combine(machine.State, "pending-instruction")), "reported once");

        machine.Sender.Sent.Clear();
        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);
        Assert.Empty(machine.Sender.Sent);
    }

    [Fact]
    public void FirmwareVersion_RecordOfAnotherInstructionOrLongBiosVersion_BiosVersionAloneOrShortened()
    {
        using var machine = new FakeMachine();
        machine.WriteText("esp/UEFIRECOVERY-INSTALLED.TXT", "UEFIRECOVERY-INSTALLED v1 version=0x00010002 instruction=0x0000000000000001 region-sha256=00\n");

        Assert.Equal("bios", AgentStartup.FirmwareVersion("bios", machine.Options.EspMount, 2));
        string longer = AgentStartup.FirmwareVersion(new string('b', 80), machine.Options.EspMount, 1);
        Assert.Equal(AgentReportMessage.MaxVersionLength, longer.Length);
        Assert.EndsWith(" recovered=0x00010002", longer);
    }

    [Fact]
    public void Run_OnlyAgentLines_DeletesTheVariable()
    {
        using var machine = new FakeMachine();
        Assert.True(machine.Deliver(Instructions.Signed(Instructions.Message())).Verdict.IsAccepted);

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.False(File.Exists(Path.Combine(machine.Efivars, "UefiRecoveryConfig-" + VendorGuid)));
    }

    [Fact]
    public void Run_NoAgentLines_ChangesNothingSendsNothing()
    {
        using var machine = new FakeMachine();
        machine.WriteText("efivars/UefiRecoveryConfig-" + VendorGuid, "\u0007\0\0\0uefirecovery.mode=auto\n");
        var before = machine.Snapshot();

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.Equal(before, machine.Snapshot());
        Assert.Empty(machine.Sender.Sent);
    }

    [Fact]
    public void Run_NoInstructionWithManagers_SendsInventoryReportToEachWithIdZeroAndRecordedVersion()
    {
        using var machine = new FakeMachine();
        machine.Options.Managers.Add(IPEndPoint.Parse("192.168.100.1:40123"));
        machine.Options.Managers.Add(IPEndPoint.Parse("192.168.100.2:40999"));
        machine.WriteText("esp/UEFIRECOVERY-INSTALLED.TXT",
            "UEFIRECOVERY-INSTALLED v1 version=0x00010003 instruction=0x0000000000000042 region-sha256=" + new string('a', 64) + "\n");
        var before = machine.Snapshot();

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.Equal(before, machine.Snapshot());
        Assert.Equal(new[] { "192.168.100.1:40123", "192.168.100.2:40999" }, machine.Sender.Sent.ConvertAll(s => s.Destination.ToString()));
        foreach (var sent in machine.Sender.Sent)
        {
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(sent.Datagram, out MessageFrame frame));
            Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage report, out ReadOnlySpan<byte> version));
            Assert.Equal(AgentState.Running, report.State);
            Assert.Equal(0UL, report.InstructionId);
            Assert.Equal(0UL, report.Counter);
            Assert.Equal(FakeMachine.Mac, report.MacAddress);
            Assert.True(Machine.MachineIdentity.TryParseUuid(FakeMachine.Uuid, out SystemUuid uuid));
            Assert.Equal(uuid, report.SystemUuid);
            Assert.Equal(FakeMachine.BiosVersion + " recovered=0x00010003", Encoding.ASCII.GetString(version));
        }
    }

    [Fact]
    public void Run_NoInstructionNoManagers_SendsNothing()
    {
        using var machine = new FakeMachine();

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.Empty(machine.Sender.Sent);
    }

    /// <summary>A pending instruction is reported to its own managers only: the inventory report is not sent besides.</summary>
    [Fact]
    public void Run_PendingInstructionWithManagers_ReportsTheInstructionOnly()
    {
        using var machine = new FakeMachine();
        machine.Options.Managers.Add(IPEndPoint.Parse("192.168.100.9:40123"));
        Assert.True(machine.Deliver(Instructions.Signed(Instructions.Message())).Verdict.IsAccepted);
        machine.Sender.Sent.Clear();

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        Assert.Single(machine.Sender.Sent);
        Assert.Equal("192.168.100.1:40123", machine.Sender.Sent[0].Destination.ToString());
    }

    [Theory]
    [MemberData(nameof(NicSets))]
    public void Run_Inventory_NamesTheFirstGlobalMacInNameOrderElseTheFirstUnicast(string[] nics, ulong expected)
    {
        using var machine = new FakeMachine();
        Directory.Delete(Path.Combine(machine.Root, "net"), recursive: true);
        foreach (string nic in nics)
        {
            string[] parts = nic.Split('=');
            machine.WriteText("net/" + parts[0] + "/address", parts[1] + "\n");
        }
        machine.Options.Managers.Add(IPEndPoint.Parse("192.168.100.1:40123"));

        AgentStartup.Run(machine.Options, machine.Sender, machine.Log);

        if (expected == 0)
        {
            Assert.Empty(machine.Sender.Sent);
            Assert.Contains("INVENTORY no report", machine.Log.ToString());
            return;
        }
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(Assert.Single(machine.Sender.Sent).Datagram, out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage report));
        Assert.Equal(expected, report.MacAddress);
    }

    public static TheoryData<string[], ulong> NicSets => new()
    {
        // a bridge with a local MAC sorts first; the global one behind it is taken
        { new[] { "br0=02:11:22:33:44:55", "enp3s0=00:1b:21:aa:bb:cc", "eno1=3c:ec:ef:01:02:03" }, 0x3CECEF010203 },
        // only local MACs (a VM): the first in name order
        { new[] { "eth1=52:54:00:00:00:02", "eth0=52:54:00:00:00:01" }, 0x525400000001 },
        // a multicast address is never a machine's
        { new[] { "a0=01:00:5e:00:00:01", "b0=52:54:00:00:00:09" }, 0x525400000009 },
        // loopback only (00:00:...): no report
        { new[] { "lo=00:00:00:00:00:00" }, 0UL },
    };
}
