using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>
/// <c>uefirecovery.flash.write</c> (which blocks recovery writes) and the test-only, protected
/// <c>uefirecovery.test.fvb-fail</c> (an FVB call the recovery run treats as failed).
/// </summary>
public sealed class FlashWriteConfigTests
{
    [Fact]
    public void NewConfig_Defaults_ChangedBlocksNoFault()
    {
        var config = new RecoveryConfig();

        Assert.False(config.FlashWriteAllBlocks);
        Assert.Equal(FvbTestFault.None, config.TestFvbFault);
    }

    [Theory]
    [InlineData("all", true)]
    [InlineData("changed", false)]
    public void TryApplyFrom_FlashWriteFromSmbios_Applied(string value, bool all)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.flash.write=" + value);

        Assert.True(result.IsApplied);
        Assert.Equal(all, config.FlashWriteAllBlocks);
    }

    [Fact]
    public void TryApplyFrom_FlashWriteFromEspFile_RefusedChangedStays()
    {
        // all-blocks erases the header block at every recovery: not the OS's choice (docs/config.md).
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.flash.write=all", osWritable: true);

        Assert.Equal(ConfigStatus.SourceNotTrusted, result.Status);
        Assert.False(config.FlashWriteAllBlocks);
        Assert.False(config.ProtectedKeyRejected);
    }

    [Fact]
    public void TryApplyFrom_FlashWriteUnknownFromSmbios_BadValueProtectedKeyRejected()
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.flash.write=some");

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.False(config.FlashWriteAllBlocks);
        Assert.True(config.ProtectedKeyRejected);
        Assert.Equal(1, config.ProtectedRejections);
    }

    [Theory]
    [InlineData("open", FvbTestFault.Open)]
    [InlineData("get-block-size", FvbTestFault.GetBlockSize)]
    [InlineData("get-attributes", FvbTestFault.GetAttributes)]
    [InlineData("get-physical-address", FvbTestFault.GetPhysicalAddress)]
    [InlineData("none", FvbTestFault.None)]
    public void TryApplyFrom_FvbFaultFromSmbios_Applied(string value, FvbTestFault fault)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.test.fvb-fail=" + value);

        Assert.True(result.IsApplied);
        Assert.Equal(fault, config.TestFvbFault);
        Assert.Equal(value, FvbTestFaultNames.Name(fault));
    }

    [Fact]
    public void TryApplyFrom_FvbFaultFromOsWritableSource_RefusedNoFault()
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.test.fvb-fail=open", osWritable: true);

        Assert.Equal(ConfigStatus.SourceNotTrusted, result.Status);
        Assert.Equal(FvbTestFault.None, config.TestFvbFault);
        Assert.False(config.ProtectedKeyRejected);
    }

    [Fact]
    public void TryApplyFrom_FvbFaultUnknownFromSmbios_ProtectedKeyRejected()
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.test.fvb-fail=read");

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(FvbTestFault.None, config.TestFvbFault);
        Assert.True(config.ProtectedKeyRejected);
        Assert.Equal(1, config.ProtectedRejections);
        Assert.Equal(ConfigKey.TestFvbFault, config.FirstRejectedProtectedKey);
    }
}
