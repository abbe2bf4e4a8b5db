using System;
using System.IO;
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
}
