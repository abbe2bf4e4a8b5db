using System;
using System.Collections.Generic;
using System.Linq;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Firmware;

public sealed class FlashWriterTests
{
    private const int BlockSize = 0x1000;
    private const int HeaderLength = 0x48;

    [Fact]
    public void Write_IdenticalImage_NothingErased()
    {
        byte[] image = OvmfVarsImage.Fresh();
        var region = new SimulatedFlashRegion(image, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(image, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.Equal(FlashWriteStatus.Success, result.Status);
        Assert.Equal(0, result.BlocksWritten);
        Assert.Equal(132, result.BlocksSkipped);
        Assert.Equal(0, region.Erases);
        Assert.Equal(0, region.Writes);
    }

    [Fact]
    public void Write_OneBlockDiffers_ThatBlockAndTheHeaderBlockOnly()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[70 * BlockSize + 5] = 0x00;
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.Equal(FlashWriteStatus.Success, result.Status);
        Assert.Equal(target, region.Contents);
        Assert.Equal(2, result.BlocksWritten); // block 70, and block 0 (header first erased, last written)
        Assert.Equal(130, result.BlocksSkipped);
        Assert.Equal(2, region.Erases);
        Assert.Equal(0, region.ReadsInStatusMode); // never read an erased, unwritten block (OVMF quirk)
    }

    [Fact]
    public void Write_CorruptedRegion_RegionEqualsImageAndValid()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[0x48] = 0x00; // variable store signature
        for (int i = 0x42000; i < 0x50000; i++)
        {
            current[i] = 0x5A;
        }
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.True(result.IsSuccess);
        Assert.Equal(target, region.Contents);
        Assert.Equal(1 + 14, result.BlocksWritten);
        Assert.True(RegionValidator.Validate(region.Contents, RegionTarget.OvmfNvStore4M, RecoveryMarkerState.Absent).IsValid);
    }

    [Fact]
    public void Write_AllBlocksMode_EveryBlockRewritten()
    {
        byte[] image = OvmfVarsImage.Fresh();
        var region = new SimulatedFlashRegion(image, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(image, HeaderLength, FlashWriteMode.AllBlocks);

        Assert.True(result.IsSuccess);
        Assert.Equal(132, result.BlocksWritten);
        Assert.Equal(132, region.Erases);
        Assert.Equal(image, region.Contents);
        Assert.Equal(0, region.ReadsInStatusMode);
    }

    [Fact]
    public void Write_TransientWriteError_RetriedAndSucceeds()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[9 * BlockSize] = 0;
        var region = new SimulatedFlashRegion(current, BlockSize);
        region.FailingWrites[9] = 2;

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.Retries);
        Assert.Equal(target, region.Contents);
    }

    [Fact]
    public void Write_PersistentWriteError_ReportsBlockAndDeviceStatus()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[9 * BlockSize] = 0;
        var region = new SimulatedFlashRegion(current, BlockSize);
        region.FailingWrites[9] = 100;

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.Equal(FlashWriteStatus.WriteFailed, result.Status);
        Assert.Equal(9, result.Block);
        Assert.Equal(FlashStatus.DeviceError, result.DeviceStatus);
        Assert.Equal(2, result.Retries);
        // Header block was erased first and never written: the region is detectably invalid.
        Assert.False(RegionValidator.Validate(region.Contents, RegionTarget.OvmfNvStore4M, RecoveryMarkerState.Absent).IsValid);
    }

    [Fact]
    public void Write_WeakCellOnce_VerifyCatchesItAndRetrySucceeds()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[65 * BlockSize] = 0;
        var region = new SimulatedFlashRegion(current, BlockSize);
        region.WeakWrites[65] = 1;

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.Retries);
        Assert.Equal(target, region.Contents);
    }

    [Fact]
    public void Write_WeakCellAlways_VerifyFailedAtThatBlock()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[65 * BlockSize] = 0;
        var region = new SimulatedFlashRegion(current, BlockSize);
        region.WeakWrites[65] = 100;

        FlashWriteResult result = new FlashWriter(region, 4).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.Equal(FlashWriteStatus.VerifyFailed, result.Status);
        Assert.Equal(65, result.Block);
        Assert.Equal(3, result.Retries);
    }

    [Fact]
    public void Write_HeaderBlockEraseFails_EraseFailedAtBlockZeroNothingWritten()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[3 * BlockSize] = 0;
        var region = new SimulatedFlashRegion(current, BlockSize);
        region.FailingErases.Add(0);

        FlashWriteResult result = new FlashWriter(region, 2).Write(target, HeaderLength, FlashWriteMode.ChangedBlocks);

        Assert.Equal(FlashWriteStatus.EraseFailed, result.Status);
        Assert.Equal(0, result.Block);
        Assert.Equal(current, region.Contents);
    }

    [Theory]
    [InlineData(0x84000 - 1, HeaderLength)]
    [InlineData(0x84000 + 0x1000, HeaderLength)]
    [InlineData(0x84000, 0)]
    [InlineData(0x84000, 0x1001)]
    public void Write_WrongImageSizeOrHeaderLength_ImageSizeMismatchNothingTouched(int length, int headerLength)
    {
        byte[] current = OvmfVarsImage.Fresh();
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(new byte[length], headerLength, FlashWriteMode.ChangedBlocks);

        Assert.Equal(FlashWriteStatus.ImageSizeMismatch, result.Status);
        Assert.Equal(current, region.Contents);
        Assert.Equal(0, region.Erases);
    }

    [Fact]
    public void Write_KeepBootableOneBlockDiffers_OnlyThatBlockErased()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[70 * BlockSize + 5] = 0x00;
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, HeaderLength + 28, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.BlocksWritten);
        Assert.Equal(1, region.Erases);
        Assert.Equal(target, region.Contents);
        Assert.Equal(0, region.ReadsInStatusMode);
    }

    [Fact]
    public void Write_KeepBootableAllBlocks_EveryBlockRewrittenNoStatusReads()
    {
        byte[] image = OvmfVarsImage.Fresh();
        var region = new SimulatedFlashRegion(image, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(image, HeaderLength + 28, FlashWriteMode.AllBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.Equal(132, result.BlocksWritten);
        Assert.Equal(132, region.Erases);
        Assert.Equal(image, region.Contents);
        Assert.Equal(0, region.ReadsInStatusMode);
    }

    private const int OvmfHeaders = HeaderLength + 28;

    [Fact]
    public void Write_ChangedBlocksOneBlockDiffers_OneBlockWrittenOneErase()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[96 * BlockSize + 17] = 0x12;
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.BlocksWritten);
        Assert.Equal(131, result.BlocksSkipped);
        Assert.Equal(1, result.Erases);
        Assert.False(result.HeaderBlockErased);
        Assert.Equal(target, region.Contents);
        Assert.All(region.Operations, o => Assert.Equal(96, o.Lba));
    }

    [Fact]
    public void Write_ChangedBlocksEveryBlockDiffers_AllWrittenSameBytesAsAllBlocksMode()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        for (int lba = 0; lba < 132; lba++)
        {
            current[lba * BlockSize + BlockSize - 1] = 0x00; // a cleared bit at the end of every block: each needs an erase
        }
        var changed = new SimulatedFlashRegion(current, BlockSize);
        var all = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult byChanged = new FlashWriter(changed, 3).Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);
        FlashWriteResult byAll = new FlashWriter(all, 3).Write(target, OvmfHeaders, FlashWriteMode.AllBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(byChanged.IsSuccess);
        Assert.True(byAll.IsSuccess);
        Assert.Equal(132, byChanged.BlocksWritten);
        Assert.Equal(132, byAll.BlocksWritten);
        Assert.Equal(target, changed.Contents);
        Assert.Equal(all.Contents, changed.Contents);
    }

    [Fact]
    public void Write_ChangedAndAllBlocksFromSameStart_SameBytesFewerErases()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        for (int i = 0x64; i < 0x3000; i++)
        {
            current[i] = (byte)(i * 7);
        }
        var changed = new SimulatedFlashRegion(current, BlockSize);
        var all = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult byChanged = new FlashWriter(changed, 3).Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);
        FlashWriteResult byAll = new FlashWriter(all, 3).Write(target, OvmfHeaders, FlashWriteMode.AllBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.Equal(3, byChanged.BlocksWritten);
        Assert.Equal(3, changed.Erases);
        Assert.Equal(132, all.Erases);
        Assert.Equal(target, changed.Contents);
        Assert.Equal(all.Contents, changed.Contents);
    }

    [Fact]
    public void Write_KeepBootable_OtherBlocksDescendingThenHeaderBlockLastWithHeadersRightAfterItsErase()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        foreach (int lba in new[] { 0, 2, 65, 100 })
        {
            current[lba * BlockSize + 0x800] = 0x00;
        }
        var region = new SimulatedFlashRegion(current, BlockSize);
        var progress = new RecordingProgress(region);
        var writer = new FlashWriter(region, 3) { Progress = progress };

        FlashWriteResult result = writer.Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.True(result.HeaderBlockErased);
        int[] order = region.Operations.Where(o => o.Kind == 'E').Select(o => o.Lba).ToArray();
        Assert.Equal(new[] { 100, 65, 2, 0 }, order);
        int headerErase = region.Operations.FindIndex(o => o.Kind == 'E' && o.Lba == 0);
        Assert.Equal(new FlashOperation('W', 0, 0, OvmfHeaders, 0), region.Operations[headerErase + 1] with { FirstUnit = 0 });
        // The observer is told before the erase and after the read-back, never in between.
        Assert.DoesNotContain(progress.OperationCountsSeen, n => n == headerErase + 1);
        Assert.Equal(target, region.Contents);
    }

    [Fact]
    public void Write_OnlyClearedBitsDiffer_ProgrammedInPlaceWithoutErase()
    {
        byte[] target = OvmfVarsImage.Fresh();
        for (int i = 0; i < 40; i++)
        {
            target[7 * BlockSize + 0x200 + i] = (byte)(0x5A ^ i);
            target[0x300 + i] = 0x00; // block 0's body; its headers stay equal
        }
        byte[] current = OvmfVarsImage.Fresh();
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.Equal(2, result.BlocksWritten);
        Assert.Equal(2, result.BlocksProgrammedInPlace);
        Assert.Equal(0, result.Erases);
        Assert.False(result.HeaderBlockErased);
        Assert.Equal(80, result.BytesProgrammed);
        Assert.Equal(target, region.Contents);
    }

    [Fact]
    public void Write_HeaderBlockHeadersDifferEvenByClearedBits_ErasedNotProgrammedInPlace()
    {
        byte[] target = OvmfVarsImage.Fresh();
        target[0x5F] = 0x00; // store header Reserved1: inside the protected headers
        byte[] current = OvmfVarsImage.Fresh();
        current[0x5F] = 0xFF;
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.True(result.HeaderBlockErased);
        Assert.Equal(0, result.BlocksProgrammedInPlace);
        Assert.Equal(target, region.Contents);
    }

    [Fact]
    public void Write_ErasedBlockStaysAllErased_OneByteProgrammedBeforeReadBack()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[30 * BlockSize + 9] = 0x00;
        var region = new SimulatedFlashRegion(current, BlockSize);

        FlashWriteResult result = new FlashWriter(region, 3).Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, result.BytesProgrammed);
        Assert.Equal(0, region.ReadsInStatusMode);
        Assert.Equal(target, region.Contents);
    }

    [Fact]
    public void Write_Success_RegionDigestEqualsSha256OfImage()
    {
        byte[] target = OvmfVarsImage.Fresh();
        byte[] current = OvmfVarsImage.Fresh();
        current[5 * BlockSize] = 0x00;
        var writer = new FlashWriter(new SimulatedFlashRegion(current, BlockSize), 3);

        FlashWriteResult result = writer.Write(target, OvmfHeaders, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.True(result.IsSuccess);
        byte[] expected = System.Security.Cryptography.SHA256.HashData(target);
        Assert.Equal(expected, writer.ImageDigest.ToArray());
        Assert.Equal(expected, writer.RegionDigest.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0x01, 0xFF, 0xFF, 0x02 }, 0, 5, 1, 5)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF }, 0, 3, -1, -1)]
    [InlineData(new byte[] { 0x00 }, 0, 1, 0, 1)]
    public void NextRun_AgainstErased_NonErasedBytesWithShortGapsMerged(byte[] data, int from, int to, int start, int end)
    {
        bool found = FlashWriter.NextRun(data, data, againstErased: true, from, to, out int runStart, out int runEnd);

        Assert.Equal(start >= 0, found);
        if (found)
        {
            Assert.Equal(start, runStart);
            Assert.Equal(end, runEnd);
        }
    }

    [Fact]
    public void NextRun_GapLongerThanMergeGap_TwoRuns()
    {
        byte[] data = Enumerable.Repeat((byte)0xFF, 100).ToArray();
        data[3] = 0;
        data[3 + FlashWriter.MergeGap + 1] = 0;

        Assert.True(FlashWriter.NextRun(data, data, true, 0, data.Length, out int s1, out int e1));
        Assert.True(FlashWriter.NextRun(data, data, true, e1, data.Length, out int s2, out int e2));

        Assert.Equal((3, 4), (s1, e1));
        Assert.Equal((3 + FlashWriter.MergeGap + 1, 3 + FlashWriter.MergeGap + 2), (s2, e2));
    }

    private sealed class RecordingProgress : IFlashWriteProgress
    {
        private readonly SimulatedFlashRegion _region;

        public RecordingProgress(SimulatedFlashRegion region) => _region = region;

        /// <summary>How many device operations had been issued at each call.</summary>
        public List<int> OperationCountsSeen { get; } = new();

        public void BlockStarting(int lba, BlockAction action) => OperationCountsSeen.Add(_region.Operations.Count);

        public void BlockFinished(int lba, BlockAction action, FlashWriteStatus status, int attempts) => OperationCountsSeen.Add(_region.Operations.Count);
    }
}
