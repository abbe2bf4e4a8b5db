using System;
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
}
