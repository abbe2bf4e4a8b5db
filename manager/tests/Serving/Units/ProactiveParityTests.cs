using System;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>Pass 0's parity and MANIFEST copies (serve --fec-proactive, docs/protocol.md §5.5).</summary>
public sealed class ProactiveParityTests
{
    [Theory]
    [InlineData(0.0, 64, 0)]
    [InlineData(0.0625, 64, 4)]      // exactly 4: not 5 from binary rounding
    [InlineData(0.08, 64, 6)]        // 5.12 rounds up
    [InlineData(0.10, 10, 1)]        // a short last block: its own share
    [InlineData(0.01, 3, 1)]
    [InlineData(1.0, 64, 64)]        // never more than the block
    public void PerBlock_ShareOfTheBlockRoundedUp(double share, int fragments, int expected) =>
        Assert.Equal(expected, ProactiveParity.PerBlock(share, fragments));

    [Theory]
    [InlineData(1, 0.01, 4)]
    [InlineData(200, 0.01, 7)]
    [InlineData(10_000, 0.01, 8)]
    [InlineData(20, 0.05, 13)]
    public void ShareFor_SmallestParityThatLeavesAtMostHalfAMachineShort(int machines, double loss, int expectedPerBlock)
    {
        const long blocks = 367; // 32 MiB at 1432-byte fragments
        double share = ProactiveParity.ShareFor(machines, blocks, loss);
        int m = ProactiveParity.PerBlock(share, 64);

        Assert.Equal(expectedPerBlock, m);
        // The definition: with m, machines · blocks · P(more than m of 64 + m lost) ≤ 0.5; with m − 1 it is above.
        Assert.True(machines * blocks * ParityPlan.Tail(64 + m, loss, m) <= ProactiveParity.ExpectedShortMachines);
        Assert.True(machines * blocks * ParityPlan.Tail(63 + m, loss, m - 1) > ProactiveParity.ExpectedShortMachines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    [InlineData(10_000)]
    public void DesignLoss_IsTheLossTheShareIsSizedFor(int machines)
    {
        const long blocks = 367;
        double share = ProactiveParity.ShareFor(machines, blocks, 0.01);

        double loss = ProactiveParity.DesignLoss(share, machines, blocks);

        // At least the loss the share was chosen for, and a share chosen for that loss is the same share.
        Assert.InRange(loss, 0.01, 0.05);
        Assert.Equal(share, ProactiveParity.ShareFor(machines, blocks, loss * 0.999));
        Assert.True(ProactiveParity.ShareFor(machines, blocks, loss * 1.01) > share);
        Assert.Equal(0, ProactiveParity.DesignLoss(0, machines, blocks));
    }

    [Fact]
    public void ManifestCopies_AsManyAsMakeMissingEveryCopyAsRareAsBeingShort()
    {
        // 367 groups, 1 % loss: one copy leaves 200 machines 734 lost MANIFESTs; 3 copies 0.07.
        Assert.Equal(3, ProactiveParity.ManifestCopies(0.01, 200, 367));
        Assert.Equal(2, ProactiveParity.ManifestCopies(0.01, 1, 367));
        Assert.Equal(1, ProactiveParity.ManifestCopies(0, 10_000, 367));
        Assert.Equal(ProactiveParity.MaxManifestCopies, ProactiveParity.ManifestCopies(0.3, 10_000, 367));
    }

    [Theory]
    [InlineData("8%", 0.08)]
    [InlineData("8", 0.08)]
    [InlineData(" 0 ", 0)]
    [InlineData("100%", 1)]
    public void TryParseShare_Percentages(string text, double expected)
    {
        Assert.True(ProactiveParity.TryParseShare(text, out double share));
        Assert.Equal(expected, share, 12);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1%")]
    [InlineData("101%")]
    [InlineData("NaN")]
    [InlineData("auto")]
    public void TryParseShare_RefusesWhatIsNotAShare(string text) =>
        Assert.False(ProactiveParity.TryParseShare(text, out _));
}
