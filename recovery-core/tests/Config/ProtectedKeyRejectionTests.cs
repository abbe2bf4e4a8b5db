using System.Text;
using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>
/// The fail-closed signal <see cref="RecoveryConfig.ProtectedKeyRejected"/>: a protected value (trust anchors,
/// image type, rollback floor, target) that a trusted source gave but that was refused must stop recovery,
/// because its default would silently stand in (a refused lsv would become 0, no rollback floor).
/// </summary>
public sealed class ProtectedKeyRejectionTests
{
    private const string ImageType = "6dcbd5ed-e82d-4c44-bda1-7194199ad92a";
    private const string KeyHash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Theory]
    [InlineData("uefirecovery.lsv=banana", ConfigKey.LowestSupportedVersion, "not a 32-bit number (decimal or 0x hex)")]
    [InlineData("uefirecovery.lsv=0x100000000", ConfigKey.LowestSupportedVersion, "not a 32-bit number (decimal or 0x hex)")]
    [InlineData("uefirecovery.lsv", ConfigKey.LowestSupportedVersion, "no '=' and value")]
    [InlineData("uefirecovery.image-type=not-a-guid", ConfigKey.ImageType, "not a nonzero GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)")]
    [InlineData("uefirecovery.trust.rsa2048=0011", ConfigKey.TrustRsa2048, "not 64 hex digits (SHA-256 of the RSA modulus)")]
    [InlineData("uefirecovery.trust.x509=\\root.der", ConfigKey.TrustX509, "expected \\path,sha256=<64 hex digits>")]
    [InlineData("uefirecovery.target=" + ImageType + ",fv=nonsense", ConfigKey.Target, "")]
    public void TryApplyFrom_BadProtectedValueFromTrustedSource_ProtectedKeyRejected(string entry, ConfigKey key, string reason)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, entry);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.True(config.ProtectedKeyRejected);
        Assert.Equal(1, config.ProtectedRejections);
        Assert.Equal(key, config.FirstRejectedProtectedKey);
        if (reason.Length != 0)
            Assert.Equal(reason, config.FirstProtectedRejectionReason);
        else
            Assert.NotEqual("", config.FirstProtectedRejectionReason);
    }

    [Fact]
    public void TryApplyFrom_BadLsvThenGoodLsvFromLowerSource_StillRejected()
    {
        // The fallback applies the lower source's value, but what the higher source meant is unknown: fail closed.
        var config = new RecoveryConfig();

        config.TryApplyFrom(ConfigSource.EfiVariable, "uefirecovery.lsv=0x1_0000");
        ConfigApplyResult lower = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.lsv=0x10000");

        Assert.True(lower.IsApplied);
        Assert.Equal(0x10000u, config.Target.LowestSupportedVersion);
        Assert.True(config.ProtectedKeyRejected);
    }

    [Fact]
    public void TryApplyFrom_ProtectedKeyRepeatedInOneSource_ProtectedKeyRejected()
    {
        var config = new RecoveryConfig();

        config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.lsv=5");
        ConfigApplyResult repeat = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.lsv=7");

        Assert.Equal(ConfigStatus.Repeated, repeat.Status);
        Assert.Equal(5u, config.Target.LowestSupportedVersion);
        Assert.True(config.ProtectedKeyRejected);
        Assert.Equal(ConfigKey.LowestSupportedVersion, config.FirstRejectedProtectedKey);
    }

    [Fact]
    public void TryApplyFrom_FifthTrustKey_ProtectedKeyRejectedFourKept()
    {
        var config = new RecoveryConfig();
        for (int i = 0; i < RecoveryTargetConfig.MaxTrustedKeys; i++)
            Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.rsa2048=" + KeyHash).IsApplied);
        Assert.False(config.ProtectedKeyRejected);

        ConfigApplyResult fifth = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.rsa2048=" + KeyHash);

        Assert.Equal(ConfigStatus.BadValue, fifth.Status);
        Assert.Equal(RecoveryTargetConfig.MaxTrustedKeys, config.Target.TrustedKeyCount);
        Assert.True(config.ProtectedKeyRejected);
        Assert.Equal("more than 4 trusted keys", config.FirstProtectedRejectionReason);
    }

    [Fact]
    public void TryApplyFrom_ProtectedKeyFromOsWritableSource_NotCountedAsRejection()
    {
        // The OS can write the ESP file; one line there must not be able to switch recovery off.
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = ConfigTextSource.Apply(Encoding.ASCII.GetBytes("uefirecovery.lsv=banana\nuefirecovery.trust.rsa2048=" + KeyHash + "\n"),
            ConfigSource.EspFile, osWritable: true, config, report);

        Assert.Equal(2, rejected);
        Assert.False(config.ProtectedKeyRejected);
        Assert.Equal(ConfigKey.None, config.FirstRejectedProtectedKey);
    }

    [Theory]
    [InlineData("uefirecovery.netdiag.timeout=banana")]
    [InlineData("uefirecovery.next=no-backslash")]
    [InlineData("uefirecovery.mode=sideways")]
    [InlineData("uefirecovery.no-such-key=1")]
    public void TryApplyFrom_BadUnprotectedValue_NotAProtectedRejection(string entry)
    {
        var config = new RecoveryConfig();

        Assert.False(config.TryApplyFrom(ConfigSource.Smbios, entry).IsApplied);

        Assert.False(config.ProtectedKeyRejected);
    }

    [Fact]
    public void TryApplyFrom_HigherSourceSetLowerSourceDiffers_OverriddenNotRejected()
    {
        var config = new RecoveryConfig();

        config.TryApplyFrom(ConfigSource.EfiVariable, "uefirecovery.image-type=" + ImageType);
        ConfigApplyResult lower = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.image-type=11111111-2222-3333-4444-555555555555");

        Assert.Equal(ConfigStatus.Overridden, lower.Status);
        Assert.False(config.ProtectedKeyRejected);
    }

    [Fact]
    public void NewConfig_NothingApplied_NoProtectedRejection()
    {
        var config = new RecoveryConfig();

        Assert.False(config.ProtectedKeyRejected);
        Assert.Equal(0, config.ProtectedRejections);
        Assert.Equal("", config.FirstProtectedRejectionReason);
    }
}
