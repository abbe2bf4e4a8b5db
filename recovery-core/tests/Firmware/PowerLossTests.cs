using System;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// Power loss at every single operation of a recovery (marker writes, each erase, each write; the
/// operation in flight is cut half-way). After each interruption, the next boot's verdict must be
/// "invalid", or the region must hold exactly the target image; never "valid" with mixed contents.
/// Then a second, uninterrupted recovery must restore the target exactly.
/// </summary>
public sealed class PowerLossTests
{
    private const int BlockSize = 0x1000;
    private static readonly RegionTarget Ovmf = RegionTarget.OvmfNvStore4M;

    public enum Start
    {
        /// <summary>Variable store header broken plus FTW spare garbage: a region the validator rejects.</summary>
        Corrupted,

        /// <summary>A valid region with different variables: recovery requested by the operator.</summary>
        ValidButDifferent,
    }

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public PowerLossTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(Start.Corrupted, HeaderBlockPolicy.InvalidateFirst)]
    [InlineData(Start.ValidButDifferent, HeaderBlockPolicy.InvalidateFirst)]
    [InlineData(Start.Corrupted, HeaderBlockPolicy.KeepBootable)]
    [InlineData(Start.ValidButDifferent, HeaderBlockPolicy.KeepBootable)]
    public void Recover_InterruptedAtEveryOperation_NeverValidWithMixedContents(Start start, HeaderBlockPolicy policy)
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] initial = MakeStart(start);
        int totalOperations = CountOperations(initial, target, policy);
        Assert.True(totalOperations > 4, "the uninterrupted recovery used " + totalOperations + " operations");
        int bricked = 0;

        for (int budget = 0; budget < totalOperations; budget++)
        {
            var power = new PowerSupply(budget);
            var region = new SimulatedFlashRegion(initial, BlockSize, power);
            var marker = new SimulatedMarkerStore(power);

            RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Ovmf, target, FlashWriteMode.ChangedBlocks, policy);
            Assert.NotEqual(RecoveryStatus.Recovered, result.Status);

            byte[] after = region.Contents;
            bool equalsTarget = after.AsSpan().SequenceEqual(target);
            bool untouched = after.AsSpan().SequenceEqual(initial);

            // 1. The full rule (with the marker) at the next boot.
            RegionVerdict withMarker = RegionValidator.Validate(after, Ovmf, marker.State);
            Assert.True(!withMarker.IsValid || equalsTarget || untouched,
                "budget " + budget + ": valid with mixed contents");
            if (marker.State == RecoveryMarkerState.InProgress)
            {
                Assert.False(withMarker.IsValid, "budget " + budget + ": marker InProgress but verdict valid");
            }

            // 2. InvalidateFirst: the write order alone suffices (no marker, firmware that leaves an invalid header alone).
            if (policy == HeaderBlockPolicy.InvalidateFirst)
            {
                RegionVerdict orderOnly = RegionValidator.Validate(after, Ovmf, RecoveryMarkerState.Absent);
                Assert.True(!orderOnly.IsValid || equalsTarget || untouched,
                    "budget " + budget + ": header-last order let a mixed region look valid (" + orderOnly.ReasonName + ")");
            }
            if (OvmfBootModel.Bricks(after) && !OvmfBootModel.Bricks(initial))
            {
                bricked++;
            }

            // 3. OVMF's boot re-creates an invalid FV header; the marker must still say invalid.
            byte[] afterOvmfBoot = OvmfBootModel.Apply(after);
            RegionVerdict afterOvmf = RegionValidator.Validate(afterOvmfBoot, Ovmf, marker.State);
            Assert.True(!afterOvmf.IsValid || afterOvmfBoot.AsSpan().SequenceEqual(target) || afterOvmfBoot.AsSpan().SequenceEqual(initial),
                "budget " + budget + ": OVMF's header repair turned an interrupted recovery valid");

            // 4. The next boot recovers completely.
            var power2 = new PowerSupply();
            var region2 = new SimulatedFlashRegion(afterOvmfBoot, BlockSize, power2);
            var marker2 = new SimulatedMarkerStore(power2, marker.State);
            RecoveryResult again = RegionRecovery.Run(new FlashWriter(region2, 3), marker2, Ovmf, target, FlashWriteMode.ChangedBlocks, policy);
            Assert.Equal(RecoveryStatus.Recovered, again.Status);
            Assert.Equal(target, region2.Contents);
            Assert.True(RegionValidator.Validate(region2.Contents, Ovmf, marker2.State).IsValid);
        }

        // Interruption points after which OVMF 2022.11 would no longer reach the boot manager (and so
        // never start the recovery app again), counting only points where the start region did boot.
        _output.WriteLine(policy + " from " + start + ": " + totalOperations + " operations, " + bricked + " interruption points leave OVMF unbootable");
        if (policy == HeaderBlockPolicy.KeepBootable)
        {
            // Only block 0's erase and its header write are exposed.
            Assert.True(bricked <= 2, bricked + " unbootable points");
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

    private static int CountOperations(byte[] initial, byte[] target, HeaderBlockPolicy policy)
    {
        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(initial, BlockSize, power);
        var marker = new SimulatedMarkerStore(power);
        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Ovmf, target, FlashWriteMode.ChangedBlocks, policy);
        Assert.Equal(RecoveryStatus.Recovered, result.Status);
        return power.OperationsUsed;
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
        else
        {
            // Different variable data in blocks 0-4 and 65 (where OVMF writes), headers intact.
            for (int i = 0x64; i < 0x4A00; i++)
            {
                image[i] = (byte)(i * 13);
            }
            image[0x41020] = 0x00;
        }
        return image;
    }
}
