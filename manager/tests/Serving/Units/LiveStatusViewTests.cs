using System;
using System.Collections.Generic;
using System.IO;
using Spectre.Console;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Inventory;
using UefiRecovery.Manager.Serving.Status;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>The terminal view's instruction lines (one per instruction, only when there are any) and the inventory's.</summary>
public sealed class LiveStatusViewTests
{
    private static string Render(IReadOnlyList<InstructionStatus> instructions, IReadOnlyList<MachineStatus>? machines = null)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(text) });
        console.Profile.Width = 200;
        var status = new ServerStatus(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "127.0.0.1:40123", "Unicast", "each client", 100,
            Array.Empty<ImageStatus>(), Array.Empty<RejectedImageStatus>(), Array.Empty<SessionStatus>(),
            new TrafficStatus(0, 0, 0, 0, 0, new Dictionary<string, long>()), 0, Instructions: instructions, Machines: machines);
        console.Write(LiveStatusView.Render(status));
        return text.ToString();
    }

    private static InstructionStatus Instruction(string id, string state, string? failedIn, string? failure, string? firmware) => new(
        id, 1, "52:54:00:12:34:56", "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41", "192.0.2.50:40125", state, DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch, null, null, null, null, null, null, failedIn, failure, null, 1, null, null, firmware, null, null);

    [Fact]
    public void Render_TwoInstructions_OneLineEachWithStateAndDetail()
    {
        string text = Render(new[]
        {
            Instruction("0x00000000000000AA", "failed", "sent", "NoEfivarfs", null),
            Instruction("0x00000000000000BB", "done", null, null, "edk2-new"),
        });
        Assert.Contains("instructions", text, StringComparison.Ordinal);
        string[] lines = text.Split('\n');
        string failed = Array.Find(lines, l => l.Contains("0x00000000000000AA", StringComparison.Ordinal))!;
        Assert.Contains("failed in sent", failed, StringComparison.Ordinal);
        Assert.Contains("NoEfivarfs", failed, StringComparison.Ordinal);
        string done = Array.Find(lines, l => l.Contains("0x00000000000000BB", StringComparison.Ordinal))!;
        Assert.Contains("done", done, StringComparison.Ordinal);
        Assert.Contains("firmware \"edk2-new\"", done, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoInstructions_NoInstructionTable()
    {
        Assert.DoesNotContain("instructions", Render(Array.Empty<InstructionStatus>()), StringComparison.Ordinal);
    }

    private static MachineStatus Machine(int n, string? version, string? source) => new(
        "52:54:00:00:00:" + n.ToString("x2", System.Globalization.CultureInfo.InvariantCulture), "5ee6d83b-8a3c-4b53-9f3d-1c7f0e2a6b41",
        "edk2" + (version is null ? "" : " recovered=" + version), null, null, version, source, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Render_Machines_NewestTenWithVersionAndSourceAndTheCount()
    {
        var machines = new List<MachineStatus> { Machine(1, "0x00010002", "result"), Machine(2, null, null) };
        for (int n = 3; n <= 12; n++) machines.Add(Machine(n, "0x00010001", "agent-report"));

        string text = Render(Array.Empty<InstructionStatus>(), machines);

        Assert.Contains("machines (10 of 12 most recently heard; /status has all)", text, StringComparison.Ordinal);
        string[] lines = text.Split('\n');
        Assert.Contains("0x00010002 (result)", Array.Find(lines, l => l.Contains("52:54:00:00:00:01", StringComparison.Ordinal))!, StringComparison.Ordinal);
        Assert.Contains("unknown", Array.Find(lines, l => l.Contains("52:54:00:00:00:02", StringComparison.Ordinal))!, StringComparison.Ordinal);
        Assert.DoesNotContain("52:54:00:00:00:0b", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoMachines_NoMachineTable()
    {
        Assert.DoesNotContain("machines", Render(Array.Empty<InstructionStatus>(), Array.Empty<MachineStatus>()), StringComparison.Ordinal);
    }
}
