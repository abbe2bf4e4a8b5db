using UefiRecovery.Core.Common;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Firmware;

/// <summary>
/// A target whose FV header's block map describes the flash device (AAVMF's NorFlashDxe, <see cref="RegionTarget.HeaderMapsDevice"/>):
/// accepted only for such a target, only with one map entry of the target's block size, at least the target's blocks,
/// and FvLength a whole number of them; every other target keeps the strict rule.
/// </summary>
public sealed class DeviceBlockMapTests
{
    private static readonly RegionTarget Aavmf = RegionTarget.AavmfNvStore;

    [Fact]
    public void Parse_DeviceWideMap_RefusedUnlessAllowed()
    {
        byte[] image = AavmfVarsImage.Fresh();

        Assert.Equal(FvHeaderStatus.BlockMapLengthMismatch, FvHeader.TryParse(image, out _));
        Assert.Equal(FvHeaderStatus.Valid, FvHeader.TryParse(image, allowDeviceMap: true, out FvHeader header));
        Assert.Equal(256ul, header.BlockCount);
        Assert.Equal(0xC0000ul, header.FvLength);
    }

    [Theory]
    [InlineData(2u, 0x40000u, 0xC0000ul)] // the map covers less than the volume
    [InlineData(256u, 0x40000u, 0xB0000ul)] // FvLength is not a whole number of blocks
    public void Parse_DeviceMapThatCannotHoldTheVolume_Refused(uint blocks, uint blockSize, ulong fvLength)
    {
        byte[] image = AavmfVarsImage.Fresh(blocks, blockSize, fvLength);

        Assert.Equal(FvHeaderStatus.BlockMapLengthMismatch, FvHeader.TryParse(image, allowDeviceMap: true, out _));
    }

    [Fact]
    public void Validate_AavmfRegion_ValidForTheAavmfTarget_InvalidForAStrictOne()
    {
        byte[] image = AavmfVarsImage.Fresh();
        var strict = new RegionTarget(RegionTarget.SystemNvDataFvGuid, 0xC0000, 0x40000, 3, isVariableStore: true);

        Assert.True(RegionValidator.Validate(image, Aavmf, RecoveryMarkerState.Complete).IsValid);
        Assert.Equal(RegionReason.FvHeaderBlockMapLengthMismatch, RegionValidator.Validate(image, strict, RecoveryMarkerState.Complete).Reason);
        Assert.Equal(RegionReason.RecoveryInProgress, RegionValidator.Validate(image, Aavmf, RecoveryMarkerState.InProgress).Reason);
    }

    [Fact]
    public void Validate_DeviceMapOfAnotherBlockSize_BlockMapMismatch()
    {
        // 768 blocks of 64 KiB: the same device size, not the erase blocks the target writes.
        byte[] image = AavmfVarsImage.Fresh(768, 0x10000);

        Assert.Equal(RegionReason.BlockMapMismatch, RegionValidator.Validate(image, Aavmf, RecoveryMarkerState.Complete).Reason);
    }

    [Fact]
    public void Validate_ThroughTheFirstThreeBlocksOfTheFlash_Valid()
    {
        var region = new SimulatedFlashRegion(AavmfVarsImage.Fresh(), AavmfVarsImage.BlockSize);

        RegionVerdict verdict = RegionValidator.Validate(region, Aavmf, RecoveryMarkerState.Complete, new byte[AavmfVarsImage.BlockSize]);

        Assert.True(verdict.IsValid, verdict.ReasonName);
    }

    [Fact]
    public void Recovery_AavmfImage_WrittenToThreeBlocks()
    {
        byte[] damaged = AavmfVarsImage.Fresh();
        damaged[40] = 0; // signature gone, as an interrupted erase of block 0 leaves it
        var power = new PowerSupply();
        var region = new SimulatedFlashRegion(damaged, AavmfVarsImage.BlockSize, power);
        var marker = new SimulatedMarkerStore(power);
        byte[] image = AavmfVarsImage.Fresh();

        RecoveryResult result = RegionRecovery.Run(new FlashWriter(region, 3), marker, Aavmf, image, FlashWriteMode.ChangedBlocks, HeaderBlockPolicy.KeepBootable);

        Assert.Equal(RecoveryStatus.Recovered, result.Status);
        Assert.Equal(image, region.Contents);
        Assert.True(RegionValidator.Validate(region, Aavmf, RecoveryMarkerState.Complete, new byte[AavmfVarsImage.BlockSize]).IsValid);
    }

    [Fact]
    public void TargetMap_MapDevice_Parsed_OtherValuesRefused()
    {
        var map = new RegionTargetMap();
        const string ImageType = "6dcbd5ed-e82d-4c44-bda1-7194199ad92a";

        Assert.True(map.TryAdd(ImageType + ",fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0xC0000,block=0x40000,map=device", out string reason), reason);
        Assert.True(map.TrySelect(Guid(ImageType), RegionTarget.OvmfNvStore4M, out RegionTarget region, out _, out _));
        Assert.True(region.HeaderMapsDevice);
        Assert.Equal(3, region.BlockCount);
        Assert.False(new RegionTargetMap().TryAdd(ImageType + ",fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0xC0000,map=disk", out reason));
        Assert.Equal("map is repeated or not volume|device", reason);
    }

    private static EfiGuid Guid(string text)
    {
        Assert.True(EfiGuid.TryParse(text, out EfiGuid guid));
        return guid;
    }
}
