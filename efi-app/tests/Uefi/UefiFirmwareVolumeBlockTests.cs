using System;
using UefiRecovery.Efi.Uefi;
using UefiRecovery.Efi.Uefi.Raw;
using Xunit;

namespace UefiRecovery.Efi.Tests.Uefi;

[Collection(FakeFirmwareCollection.Name)]
public sealed unsafe class UefiFirmwareVolumeBlockTests
{
    [Fact]
    public void Read_WholeRequest_ReturnsCountAndData()
    {
        using var devices = new FakeDevices();
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);
        byte[] buffer = new byte[16];

        Assert.Equal(16, fvb.Read(3, 100, buffer).Value);
        Assert.Equal(100, buffer[0]);
        Assert.Equal(115, buffer[15]);
    }

    [Fact]
    public void Read_PartialTransferAtBlockBoundary_IsFailure()
    {
        using var devices = new FakeDevices();
        FakeDevices.NextStatus = EfiStatus.BadBufferSize;
        FakeDevices.TransferredOverride = 8;
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);

        EfiResult<int> result = fvb.Read(3, 0xFF8, new byte[16]);

        Assert.Equal(EfiStatus.BadBufferSize, result.Status);
        Assert.False(result.TryGetValue(out int count));
        Assert.Equal(0, count);
    }

    [Fact]
    public void Write_SuccessButShortCount_IsDeviceError()
    {
        using var devices = new FakeDevices();
        FakeDevices.TransferredOverride = 3;
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);

        EfiResult<int> result = fvb.Write(3, 0, new byte[16]);

        Assert.False(result.IsSuccess);
        Assert.Equal(EfiStatus.DeviceError, result.Status);
    }

    [Fact]
    public void Write_WholeRequest_ReturnsCount()
    {
        using var devices = new FakeDevices();
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);

        Assert.Equal(16, fvb.Write(3, 0, new byte[16]).Value);
    }

    [Fact]
    public void EraseBlocks_Range_PassesRangeThenTerminator()
    {
        using var devices = new FakeDevices();
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);

        Assert.True(fvb.EraseBlocks(131, 1).IsSuccess);
        Assert.Equal(131UL, FakeDevices.EraseLba);
        Assert.Equal((nuint)1, FakeDevices.EraseCount);
        Assert.Equal(0xFFFF_FFFF_FFFF_FFFFUL, FakeDevices.EraseTerminator);
    }

    [Fact]
    public void GetAttributes_Failure_NoAttributesHandedOn()
    {
        using var devices = new FakeDevices();
        FakeDevices.NextStatus = EfiStatus.DeviceError;
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);

        Assert.False(fvb.GetAttributes().TryGetValue(out uint attributes));
        Assert.Equal(0u, attributes);
    }

    [Fact]
    public void GetBlockSize_Lba_ReturnsRun()
    {
        using var devices = new FakeDevices();
        var fvb = new UefiFirmwareVolumeBlock(devices.Fvb);

        FvbBlockRun run = fvb.GetBlockSize(100).Value;

        Assert.Equal((nuint)0x1000, run.BlockSize);
        Assert.Equal((nuint)32, run.NumberOfBlocks);
    }
}
