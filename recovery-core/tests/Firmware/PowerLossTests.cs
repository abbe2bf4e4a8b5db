using System;
using System.Collections.Generic;
using System.Linq;
using UefiRecovery.Core.Firmware;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// Power loss at every unit of a recovery: each marker write, each erase and each single byte program (QEMU
/// writes every byte program through to the vars file, so a cut can fall between any two). After each cut:
/// the next boot's verdict is "invalid" unless the region holds exactly the target or the start; the points
/// at which OVMF 2022.11 would no longer boot (<see cref="OvmfBootModel"/>) are exactly the header block's
/// erase-to-header stretch; and a second, uninterrupted recovery restores the target exactly.
/// </summary>
public sealed class PowerLossTests
{
    private const int BlockSize = 0x1000;

    /// <summary>Bytes of block 0 OVMF checks before it boots: FV header (0x48) and store header up to State (0x5D).</summary>
    private const int BootCriticalHeaderBytes = 0x5E;

    private static readonly RegionTarget Ovmf = RegionTarget.OvmfNvStore4M;

    public enum Start
    {
        /// <summary>Variable store header broken plus FTW spare garbage: a region the validator rejects (OVMF cannot boot it either).</summary>
        Corrupted,

        /// <summary>A valid region with different variables (blocks 0-4 and 65, bits set and cleared): an operator-requested recovery.</summary>
        ValidButDifferent,

        /// <summary>Valid; block 0's variables differ from the target only by cleared bits (the target is "more written"): no erase of block 0 needed.</summary>
        HeaderBlockOnlyClears,
    }

    private readonly ITestOutputHelper _output;

    public PowerLossTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> KeepBootableRows() => new[]
    {
        new object[] { Start.ValidButDifferent, FlashWriteMode.ChangedBlocks, true },
        new object[] { Start.ValidButDifferent, FlashWriteMode.ChangedBlocks, false },
        new object[] { Start.ValidButDifferent, FlashWriteMode.AllBlocks, true },
        new object[] { Start.HeaderBlockOnlyClears, FlashWriteMode.ChangedBlocks, true },
        new object[] { Start.Corrupted, FlashWriteMode.ChangedBlocks, true },
    };

    [Theory]
    [MemberData(nameof(KeepBootableRows))]
    public void Recover_KeepBootableCutAtEveryUnit_UnbootableOnlyInHeaderEraseWindowAndRecoveredNext(Start start, FlashWriteMode mode, bool atomicErase)
    {
        byte[] target = Target(start);
        byte[] initial = MakeStart(start);
        (long units, List<FlashOperation> operations) = Uninterrupted(initial, target, mode, HeaderBlockPolicy.KeepBootable, atomicErase);

        // The one stretch where no valid header is on the flash: after block 0's erase starts, before byte 0x5D of its first write.
        var window = new HashSet<long>();
        int headerErase = operations.FindIndex(o => o.Kind == 'E' && o.Lba == 0);
        if (headerErase >= 0)
        {
            FlashOperation erase = operations[headerErase];
            FlashOperation next = operations[headerErase + 1];
            Assert.True(next.Kind == 'W' && next.Lba == 0 && next.Offset == 0 && next.Length >= BootCriticalHeaderBytes,
                "the write right after block 0's erase is not its header: " + next);
            Assert.True(operations.Skip(headerErase).All(o => o.Lba == 0), "block 0 is not the last block written");
            for (long cut = atomicErase ? erase.FirstUnit + 1 : erase.FirstUnit; cut <= erase.FirstUnit + BootCriticalHeaderBytes; cut++)
            {
                window.Add(cut);
            }
        }

        var bricked = new List<long>();
        for (long budget = 0; budget < units; budget++)
        {
            byte[] after = CutAt(initial, target, mode, HeaderBlockPolicy.KeepBootable, atomicErase, budget, out RecoveryMarkerState marker);
            if (OvmfBootModel.Bricks(after) && !OvmfBootModel.Bricks(initial))
            {
                bricked.Add(budget);
            }
            // A whole second recovery (two SHA-256 passes of 528 KiB) per point: every point of a short write and
            // of the header block; every 4th elsewhere in a long one (those cuts all leave one torn non-header block).
            if (units <= 200 || budget % 4 == 0 || window.Contains(budget) || window.Contains(budget - 1) || window.Contains(budget + 1))
            {
                AssertNextBootRecovers(after, initial, target, marker, "cut after " + budget + " units");
            }
        }

        _output.WriteLine($"{start} {mode} atomic-erase={atomicErase}: {units} units ({operations.Count} device calls); "
            + $"unbootable after {bricked.Count} cut points: {Ranges(bricked)}; header window {Ranges(window.OrderBy(x => x).ToList())}");
        if (OvmfBootModel.Bricks(initial))
        {
            return; // OVMF could not have started the app on this start anyway; the marker protocol is what is checked.
        }
        Assert.Equal(window.OrderBy(x => x), bricked);
        if (start == Start.HeaderBlockOnlyClears)
        {
            Assert.Empty(bricked); // block 0 programmed in place: no window at all
        }
        else
        {
            Assert.Equal(atomicErase ? BootCriticalHeaderBytes : BootCriticalHeaderBytes + 1, bricked.Count);
        }
    }

    [Theory]
    [InlineData(Start.Corrupted)]
    [InlineData(Start.ValidButDifferent)]
    public void Recover_InvalidateFirstCutAtEveryUnit_NeverValidWithoutMarker(Start start)
    {
        byte[] target = Target(start);
        byte[] initial = MakeStart(start);
        (long units, _) = Uninterrupted(initial, target, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.InvalidateFirst, atomicErase: false);
        for (long budget = 0; budget < units; budget++)
        {
            byte[] after = CutAt(initial, target, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.InvalidateFirst, false, budget, out RecoveryMarkerState marker);
            bool equalsTarget = after.AsSpan().SequenceEqual(target);
            bool untouched = after.AsSpan().SequenceEqual(initial);
            // The write order alone suffices (firmware that leaves an invalid header alone, no marker needed).
            RegionVerdict orderOnly = RegionValidator.Validate(after, Ovmf, RecoveryMarkerState.Absent);
            Assert.True(!orderOnly.IsValid || equalsTarget || untouched,
                "cut after " + budget + " units: header-last order let a mixed region look valid (" + orderOnly.ReasonName + ")");
            AssertNextBootRecovers(after, initial, target, marker, "cut after " + budget + " units");
        }
    }

    [Fact]
    public void Recover_MarkerCannotBeWritten_NothingTouched()
    {
        byte[] initial = MakeStart(Start.Corrupted);
        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(initial, BlockSize, power);
        var marker = new SimulatedMarkerStore(power) { FailWrites = true };

        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Ovmf, OvmfVarsImage.Fresh(), FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.Equal(RecoveryStatus.MarkerNotRecorded, result.Status);
        Assert.Equal(initial, region.Contents);
        Assert.Equal(0, region.Erases);
        Assert.Equal(0, region.Writes);
    }

    [Fact]
    public void Recover_ImageInvalidForTarget_NothingTouched()
    {
        byte[] initial = MakeStart(Start.Corrupted);
        byte[] badImage = OvmfVarsImage.Fresh();
        badImage[0x5D] = 0xFC; // store State not healthy: writing it would make an invalid region
        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(initial, BlockSize, power);
        var marker = new SimulatedMarkerStore(power);

        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Ovmf, badImage, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.Equal(RecoveryStatus.ImageNotValidForTarget, result.Status);
        Assert.Equal(RegionReason.VariableStoreBadState, result.ImageVerdict.Reason);
        Assert.Equal(RecoveryMarkerState.Absent, marker.State);
        Assert.Equal(initial, region.Contents);
        Assert.Equal(0, region.Erases);
    }

    [Fact]
    public void Recover_Uninterrupted_RecoveredMarkerCompleteRegionEqual()
    {
        byte[] target = OvmfVarsImage.Fresh();
        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(MakeStart(Start.Corrupted), BlockSize, power);
        var marker = new SimulatedMarkerStore(power);

        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Ovmf, target, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.Equal(RecoveryStatus.Recovered, result.Status);
        Assert.Equal(RecoveryMarkerState.Complete, marker.State);
        Assert.Equal(target, region.Contents);
    }

    // After a cut: never valid with mixed contents; with the marker in progress never valid at all; OVMF's
    // own re-initialisation of a bad FV header does not make it valid either; the next recovery completes.
    private static void AssertNextBootRecovers(byte[] after, byte[] initial, byte[] target, RecoveryMarkerState marker, string where)
    {
        bool equalsTarget = after.AsSpan().SequenceEqual(target);
        bool untouched = after.AsSpan().SequenceEqual(initial);
        RegionVerdict withMarker = RegionValidator.Validate(after, Ovmf, marker);
        Assert.True(!withMarker.IsValid || equalsTarget || untouched, where + ": valid with mixed contents");
        if (marker == RecoveryMarkerState.InProgress)
        {
            Assert.False(withMarker.IsValid, where + ": marker InProgress but verdict valid");
        }
        byte[] afterOvmfBoot = OvmfBootModel.Apply(after);
        RegionVerdict afterOvmf = RegionValidator.Validate(afterOvmfBoot, Ovmf, marker);
        Assert.True(!afterOvmf.IsValid || afterOvmfBoot.AsSpan().SequenceEqual(target) || afterOvmfBoot.AsSpan().SequenceEqual(initial),
            where + ": OVMF's header repair turned an interrupted recovery valid");

        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(afterOvmfBoot, BlockSize, power);
        var store = new SimulatedMarkerStore(power, marker);
        RecoveryResult again = RegionRecovery.Run(new FlashWriter(region, 3), store, Ovmf, target, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);
        Assert.True(again.Status == RecoveryStatus.Recovered, where + ": the next recovery ended " + again.Status + " " + again.Write.Status);
        Assert.True(region.Contents.AsSpan().SequenceEqual(target), where + ": the next recovery did not restore the target");
    }

    private static byte[] CutAt(byte[] initial, byte[] target, FlashWriteMode mode, HeaderBlockPolicy policy, bool atomicErase, long budget,
        out RecoveryMarkerState marker)
    {
        var power = new PowerSupply(budget);
        var region = new SimulatedFlashRegion(initial, BlockSize, power) { AtomicErase = atomicErase };
        var store = new SimulatedMarkerStore(power);
        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), store, Ovmf, target, mode, policy);
        Assert.NotEqual(RecoveryStatus.Recovered, result.Status);
        marker = store.State;
        return region.Contents;
    }

    private static (long Units, List<FlashOperation> Operations) Uninterrupted(byte[] initial, byte[] target, FlashWriteMode mode,
        HeaderBlockPolicy policy, bool atomicErase)
    {
        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(initial, BlockSize, power) { AtomicErase = atomicErase };
        var marker = new SimulatedMarkerStore(power);
        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Ovmf, target, mode, policy);
        Assert.Equal(RecoveryStatus.Recovered, result.Status);
        Assert.True(power.UnitsUsed > 4, "the uninterrupted recovery used " + power.UnitsUsed + " units");
        return (power.UnitsUsed, region.Operations);
    }

    private static byte[] Target(Start start)
    {
        byte[] image = OvmfVarsImage.Fresh();
        if (start == Start.HeaderBlockOnlyClears)
        {
            // The target has "more written" in block 0's variable area than the start: bits only cleared.
            for (int i = 0x100; i < 0x180; i++)
            {
                image[i] = 0x00;
            }
        }
        return image;
    }

    private static byte[] MakeStart(Start start)
    {
        byte[] image = OvmfVarsImage.Fresh();
        if (start == Start.Corrupted)
        {
            image[0x48] = 0x00;
            for (int i = 0x43000; i < 0x45800; i++)
            {
                image[i] = (byte)i;
            }
        }
        else if (start == Start.ValidButDifferent)
        {
            // Different variable data in blocks 0-4 and 65 (where OVMF writes), headers intact.
            for (int i = 0x64; i < 0x4A00; i++)
            {
                image[i] = (byte)(i * 13);
            }
            image[0x41020] = 0x00;
        }
        else
        {
            // Fresh: block 0's body is erased (FFh), the target programs some of it.
            image[0x41020] = 0x00;
        }
        return image;
    }

    private static string Ranges(List<long> points)
    {
        if (points.Count == 0)
        {
            return "none";
        }
        var text = new List<string>();
        long first = points[0];
        long previous = first;
        foreach (long p in points.Skip(1).Append(long.MinValue))
        {
            if (p == previous + 1)
            {
                previous = p;
                continue;
            }
            text.Add(first == previous ? first.ToString() : first + "-" + previous);
            first = previous = p;
        }
        return string.Join(",", text);
    }
}
