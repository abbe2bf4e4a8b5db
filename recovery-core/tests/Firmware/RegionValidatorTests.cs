using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Firmware;
using Xunit;

namespace UefiRecovery.Core.Tests.Firmware;

public sealed class RegionValidatorTests
{
    private static readonly RegionTarget Ovmf = RegionTarget.OvmfNvStore4M;

    [Fact]
    public void Validate_PristineOvmfVars_Valid()
    {
        RegionVerdict verdict = RegionValidator.Validate(OvmfVarsImage.Fresh(), Ovmf, RecoveryMarkerState.Absent);

        Assert.True(verdict.IsValid, verdict.ReasonName);
        Assert.Equal("valid", verdict.ReasonName);
        Assert.Equal(0x48, verdict.Header.HeaderLength);
    }

    [Fact]
    public void Validate_ThroughRegionReadingBlockZero_Valid()
    {
        var region = new SimulatedFlashRegion(OvmfVarsImage.Fresh(), 0x1000);

        RegionVerdict verdict = RegionValidator.Validate(region, Ovmf, RecoveryMarkerState.Complete, new byte[0x1000]);

        Assert.True(verdict.IsValid, verdict.ReasonName);
    }

    [Theory]
    [InlineData(RecoveryMarkerState.InProgress, RegionReason.RecoveryInProgress)]
    [InlineData(RecoveryMarkerState.Unreadable, RegionReason.MarkerUnreadable)]
    public void Validate_PristineButMarkerNotClean_Invalid(RecoveryMarkerState marker, RegionReason expected)
    {
        Assert.Equal(expected, RegionValidator.Validate(OvmfVarsImage.Fresh(), Ovmf, marker).Reason);
    }

    [Theory]
    // offset, value, fix FV checksum, reason; the store header starts at 0x48.
    [InlineData(0x28, 0x00, true, RegionReason.FvHeaderBadSignature)]
    [InlineData(0x32, 0x00, false, RegionReason.FvHeaderBadChecksum)]
    [InlineData(0x10, 0x8C, true, RegionReason.FileSystemGuidMismatch)]
    [InlineData(0x2D, 0xF6, true, RegionReason.ErasePolarityZero)] // attributes 0x0004F6FF: bit 11 cleared
    [InlineData(0x48, 0x00, false, RegionReason.VariableStoreBadSignature)]
    [InlineData(0x5C, 0x00, false, RegionReason.VariableStoreBadFormat)]
    [InlineData(0x5D, 0xFC, false, RegionReason.VariableStoreBadState)]
    [InlineData(0x5B, 0x01, false, RegionReason.VariableStoreBadSize)]
    public void Validate_OneByteCorrupted_InvalidWithThatReason(int offset, byte value, bool fixChecksum, RegionReason expected)
    {
        byte[] image = OvmfVarsImage.Fresh();
        image[offset] = value;
        if (fixChecksum)
        {
            OvmfVarsImage.FixChecksum(image);
        }

        RegionVerdict verdict = RegionValidator.Validate(image, Ovmf, RecoveryMarkerState.Absent);

        Assert.Equal(expected, verdict.Reason);
        Assert.False(verdict.IsValid);
    }

    [Fact]
    public void Validate_OvmfReinitialisedRegion_VariableStoreErased()
    {
        // What OVMF's InitializeVariableFvHeader leaves: every block erased, then only the FV header written.
        byte[] image = new byte[OvmfVarsImage.Length];
        image.AsSpan().Fill(0xFF);
        OvmfVarsImage.Fresh().AsSpan(0, 0x48).CopyTo(image);

        Assert.Equal(RegionReason.VariableStoreErased, RegionValidator.Validate(image, Ovmf, RecoveryMarkerState.Absent).Reason);
    }

    [Fact]
    public void Validate_ConfiguredLengthDiffers_FvLengthMismatch()
    {
        var target = new RegionTarget(RegionTarget.SystemNvDataFvGuid, 0x40000, 0x1000, 64, true);

        Assert.Equal(RegionReason.FvLengthMismatch, RegionValidator.Validate(OvmfVarsImage.Fresh(), target, RecoveryMarkerState.Absent).Reason);
    }

    [Fact]
    public void Validate_ConfiguredBlockSizeDiffers_BlockMapMismatch()
    {
        var target = new RegionTarget(RegionTarget.SystemNvDataFvGuid, 0x84000, 0x2000, 66, true);

        Assert.Equal(RegionReason.BlockMapMismatch, RegionValidator.Validate(OvmfVarsImage.Fresh(), target, RecoveryMarkerState.Absent).Reason);
    }

    [Fact]
    public void Validate_DeviceGeometryDiffers_GeometryMismatch()
    {
        var region = new SimulatedFlashRegion(OvmfVarsImage.Fresh(), 0x2000);

        Assert.Equal(RegionReason.GeometryMismatch, RegionValidator.Validate(region, Ovmf, RecoveryMarkerState.Absent, new byte[0x2000]).Reason);
    }

    [Fact]
    public void Validate_OtherFileSystemGuidConfigured_FileSystemGuidMismatch()
    {
        EfiGuid.TryParse("8C8CE578-8A3D-4F1C-9935-896185C32DD3", out EfiGuid ffs2); // EFI_FIRMWARE_FILE_SYSTEM2_GUID
        var target = new RegionTarget(ffs2, 0x84000, 0x1000, 132, false);

        Assert.Equal(RegionReason.FileSystemGuidMismatch, RegionValidator.Validate(OvmfVarsImage.Fresh(), target, RecoveryMarkerState.Absent).Reason);
    }

    [Fact]
    public void Validate_VariableAreaChangedByFirmware_StillValid()
    {
        // The firmware's own variable writes (seen in OVMF: blocks 0-4 after 0x64) do not touch the headers.
        byte[] image = OvmfVarsImage.Fresh();
        for (int i = 0x64; i < 0x4000; i++)
        {
            image[i] = (byte)(i * 7);
        }

        Assert.True(RegionValidator.Validate(image, Ovmf, RecoveryMarkerState.Absent).IsValid);
    }

    [Fact]
    public void ReasonText_EveryReason_HasNameAndMessage()
    {
        foreach (RegionReason reason in Enum.GetValues<RegionReason>())
        {
            Assert.NotEqual("unknown", RegionReasonText.Name(reason));
            Assert.NotEqual("unknown reason", RegionReasonText.Message(reason));
        }
    }
}
