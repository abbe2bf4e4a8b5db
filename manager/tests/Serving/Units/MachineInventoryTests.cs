using System;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Inventory;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

public class MachineInventoryTests
{
    private static readonly SystemUuid Uuid = new(0x5ee6d83b8a3c4b53, 0x9f3d1c7f0e2a6b41);
    private static DateTimeOffset Wall(TimeSpan t) => DateTimeOffset.UnixEpoch + t;

    [Fact]
    public void OnAgentReport_Full_ForgetsTheLeastRecentlyHeard()
    {
        var inventory = new MachineInventory(capacity: 3);
        for (ulong mac = 1; mac <= 3; mac++) inventory.OnAgentReport(mac, Uuid, "v", TimeSpan.FromSeconds(mac));
        inventory.OnResult(1, 7, TimeSpan.FromSeconds(4)); // heard again: now the newest

        inventory.OnAgentReport(4, Uuid, "v", TimeSpan.FromSeconds(5));

        Assert.Equal(3, inventory.Count);
        Assert.Null(inventory.Find(2, Wall));
        Assert.Equal(new[] { "00:00:00:00:00:04", "00:00:00:00:00:01", "00:00:00:00:00:03" },
            inventory.Snapshot(Wall).ConvertAll(m => m.Mac));
    }

    [Fact]
    public void Find_ResultAndClaim_ResultPreferredBothShown()
    {
        var inventory = new MachineInventory();
        inventory.OnResult(9, 0x00010002, TimeSpan.FromSeconds(1));
        inventory.OnAgentReport(9, Uuid, "bios recovered=0x00010001", TimeSpan.FromSeconds(2));

        MachineStatus m = inventory.Find(9, Wall)!;

        Assert.Equal(0x00010002u, m.FmpVersion);
        Assert.Equal("result", m.FmpVersionSource);
        Assert.Equal("0x00010001", m.ReportedVersionHex);
        Assert.Equal(Wall(TimeSpan.FromSeconds(2)), m.LastSeen);
    }

    [Fact]
    public void OnAgentReport_LaterClaimWithoutVersion_VersionUnknownAgain()
    {
        var inventory = new MachineInventory();
        inventory.OnAgentReport(9, Uuid, "bios recovered=0x00010001", TimeSpan.Zero);
        inventory.OnAgentReport(9, Uuid, "bios", TimeSpan.FromSeconds(1));

        Assert.Null(inventory.Find(9, Wall)!.FmpVersion);
    }

    public static TheoryData<string, uint?> Texts => new()
    {
        { "edk2-stable202211 recovered=0x00010002", 0x00010002u },
        { "recovered=0x00010002", null },                         // the agent always writes the leading space
        { "bios recovered=0x0001000", null },                     // 7 digits
        { "bios recovered=0x000100020", null },                   // 9 digits
        { "bios recovered=0x0001000G", null },
        { "bios recovered=0x00010002 trailing", null },
        { "bios recovered=0x00000001 recovered=0xFFFFFFFF", 0xFFFFFFFFu }, // the last one, as the agent appends it
        { "", null },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void RecoveredVersion_TryRead_OnlyTheAgentsSuffix(string text, uint? expected)
    {
        Assert.Equal(expected is not null, RecoveredVersion.TryRead(text, out uint version));
        if (expected is { } value) Assert.Equal(value, version);
    }
}
