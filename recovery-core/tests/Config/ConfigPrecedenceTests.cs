using System.Text;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Protocol;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>
/// The layering rule of issues #6 and #10: boot-services EFI variable &gt; SMBIOS &gt; DHCP &gt; runtime-writable
/// variable &gt; ESP file &gt; defaults (the sources the OS can write rank last), first source that sets a key
/// wins, a repeat within one source is an error, a bad value leaves the key to the next source.
/// </summary>
public sealed class ConfigPrecedenceTests
{
    private const string ImageType = "6dcbd5ed-e82d-4c44-bda1-7194199ad92a";
    private const string KeyHash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Fact]
    public void Apply_FourSourcesSameKey_ProtectedSourcesBeatOsWritableOnes()
    {
        // The app's order (ConfigResolution): boot-services variable, SMBIOS, runtime variable, ESP file.
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        Apply(config, report, ConfigSource.EfiVariable, "uefirecovery.mode=netdiag\n");
        Apply(config, report, ConfigSource.Smbios, "uefirecovery.mode=auto\nuefirecovery.netdiag.timeout=9\nuefirecovery.debugexit=1\n");
        ApplyOsWritable(config, report, ConfigSource.EfiVariable, "uefirecovery.netdiag.timeout=5\nuefirecovery.next=\\EFI\\a.efi\n");
        ApplyOsWritable(config, report, ConfigSource.EspFile,
            "uefirecovery.mode=selftest\nuefirecovery.netdiag.timeout=7\nuefirecovery.next=\\EFI\\b.efi\nuefirecovery.log=debug\n");

        Assert.Equal(RecoveryMode.NetDiag, config.Mode);
        Assert.Equal(ConfigSource.EfiVariable, config.SourceOf(ConfigKey.Mode));
        Assert.Equal(9u, config.NetDiagTimeoutSeconds);
        Assert.Equal(ConfigSource.Smbios, config.SourceOf(ConfigKey.NetDiagTimeout));
        Assert.Equal("\\EFI\\a.efi", config.Target.NextLoader.ToString());
        Assert.Equal(ConfigSource.EfiVariable, config.SourceOf(ConfigKey.NextLoader));
        Assert.False(config.IsFromProtectedSource(ConfigKey.NextLoader));
        Assert.True(config.DebugLog);
        Assert.Equal(ConfigSource.EspFile, config.SourceOf(ConfigKey.LogLevel));
        Assert.True(config.DebugExit);
        Assert.Equal(ConfigSource.None, config.SourceOf(ConfigKey.Manager));
        Assert.Equal(new[]
        {
            "Applied efi-variable:1 uefirecovery.mode=netdiag",
            "Overridden smbios:1 uefirecovery.mode=auto set by a source of higher priority",
            "Applied smbios:2 uefirecovery.netdiag.timeout=9",
            "Applied smbios:3 uefirecovery.debugexit=1",
            "Overridden efi-variable:1 uefirecovery.netdiag.timeout=5 set by a source of higher priority",
            "Applied efi-variable:2 uefirecovery.next=\\EFI\\a.efi",
            "Overridden esp-file:1 uefirecovery.mode=selftest set by a source of higher priority",
            "Overridden esp-file:2 uefirecovery.netdiag.timeout=7 set by a source of higher priority",
            "Overridden esp-file:3 uefirecovery.next=\\EFI\\b.efi set by a source of higher priority",
            "Applied esp-file:4 uefirecovery.log=debug",
        }, report.Lines);
    }

    [Fact]
    public void Apply_RepeatedKeyInOneSource_FirstStaysRepeatReported()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = Apply(config, report, ConfigSource.EspFile, "uefirecovery.mode=netdiag\nuefirecovery.mode=selftest\n");

        Assert.Equal(1, rejected);
        Assert.Equal(RecoveryMode.NetDiag, config.Mode);
        Assert.Equal("Repeated esp-file:2 uefirecovery.mode=selftest key repeated in the same source; the first value stays", report.Lines[1]);
    }

    [Fact]
    public void Apply_BadValueInHigherSource_LowerSourceStillSetsIt()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        Apply(config, report, ConfigSource.EfiVariable, "uefirecovery.manager=10.0.0.300\n");
        Apply(config, report, ConfigSource.Smbios, "uefirecovery.manager=10.0.0.1:50000\n");

        Assert.Equal(0x0A000001u, config.ManagerAddress);
        Assert.Equal(50000, config.ManagerPort);
        Assert.Equal(ConfigSource.Smbios, config.SourceOf(ConfigKey.Manager));
        Assert.StartsWith("BadValue efi-variable:1 uefirecovery.manager=10.0.0.300 ", report.Lines[0]);
    }

    [Fact]
    public void Apply_MultiValuedKey_OneSourceAddsSeveralLowerSourceIgnored()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        Apply(config, report, ConfigSource.Smbios, $"uefirecovery.trust.rsa2048={KeyHash}\nuefirecovery.trust.rsa2048={KeyHash.Replace('0', 'f')}\n");
        Assert.Equal(2, config.Target.TrustedKeyCount);

        Apply(config, report, ConfigSource.Dhcp, $"uefirecovery.trust.rsa2048={KeyHash.Replace('1', 'e')}\n");

        Assert.Equal(2, config.Target.TrustedKeyCount);
        Assert.StartsWith("Overridden dhcp:1", report.Lines[2]);
    }

    [Theory]
    [InlineData("uefirecovery.trust.rsa2048=" + KeyHash)]
    [InlineData("uefirecovery.image-type=" + ImageType)]
    [InlineData("uefirecovery.lsv=0")]
    [InlineData("uefirecovery.target=" + ImageType + ",fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0x84000")]
    public void Apply_ProtectedKeyFromOsWritableSource_RefusedSmbiosAccepted(string entry)
    {
        var fromFile = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = ConfigTextSource.Apply(Encoding.ASCII.GetBytes(entry), ConfigSource.EspFile, osWritable: true, fromFile, report);

        Assert.Equal(1, rejected);
        Assert.EndsWith("protected key: not taken from a source the OS can write", report.Lines[0]);
        Assert.StartsWith("SourceNotTrusted", report.Lines[0]);
        Assert.Equal(ConfigSource.None, fromFile.SourceOf(ConfigKeyNames.Lookup(entry.Substring(0, entry.IndexOf('=')))));
        Assert.True(new RecoveryConfig().TryApplyFrom(ConfigSource.Smbios, entry).IsApplied);
        Assert.True(new RecoveryConfig().TryApplyFrom(ConfigSource.EfiVariable, entry, osWritable: false).IsApplied);
    }

    [Fact]
    public void Apply_ProtectedKeyFromOsWritableSourceAlreadySetAbove_StillRejectedNotOverridden()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();
        Apply(config, report, ConfigSource.EfiVariable, "uefirecovery.lsv=7\n");

        int rejected = ConfigTextSource.Apply(Encoding.ASCII.GetBytes("uefirecovery.lsv=5\n"), ConfigSource.EspFile, osWritable: true, config, report);

        Assert.Equal(1, rejected);
        Assert.StartsWith("SourceNotTrusted esp-file:1", report.Lines[1]);
        Assert.Equal(7u, config.Target.LowestSupportedVersion);
    }

    [Fact]
    public void Apply_FileLineNotOurs_ReportedAsNotOurs()
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = Apply(config, report, ConfigSource.EspFile, "mode=netdiag\n");

        Assert.Equal(1, rejected);
        Assert.StartsWith("NotOurs esp-file:1 mode=netdiag", report.Lines[0]);
    }

    [Fact]
    public void TryApplyDhcpManager_NoEarlierManager_UsedWithDefaultPort()
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyDhcpManager(0xC0000205u, 0));

        Assert.Equal(0xC0000205u, config.ManagerAddress);
        Assert.Equal(ProtocolConstants.DonorPort, config.ManagerPort);
        Assert.Equal(ConfigSource.Dhcp, config.SourceOf(ConfigKey.Manager));
    }

    [Fact]
    public void TryApplyDhcpManager_ManagerFromSmbios_SmbiosKept()
    {
        var config = new RecoveryConfig();
        config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.manager=192.0.2.1:1000");

        Assert.False(config.TryApplyDhcpManager(0xC0000205u, 2000));

        Assert.Equal(0xC0000201u, config.ManagerAddress);
        Assert.Equal(1000, config.ManagerPort);
    }

    [Fact]
    public void TryApplyDhcpManager_Broadcast_Refused()
    {
        Assert.False(new RecoveryConfig().TryApplyDhcpManager(0xFFFFFFFFu, 0));
    }

    /// <summary>Random printable entries under every known key and source: never throws, and TryValidate always answers.</summary>
    [Fact]
    public void TryApplyFrom_RandomValuesForEveryKey_NeverThrows()
    {
        var random = new System.Random(4242);
        var config = new RecoveryConfig();
        for (int round = 0; round < 20000; round++)
        {
            ConfigKey key = (ConfigKey)random.Next(1, (int)ConfigKeyNames.LastKey + 1);
            var value = new char[random.Next(0, 80)];
            for (int i = 0; i < value.Length; i++)
                value[i] = (char)random.Next(0x20, 0x7F);
            var source = (ConfigSource)random.Next(1, 5);
            ConfigApplyResult result = config.TryApplyFrom(source, ConfigKeyNames.Name(key) + "=" + new string(value), random.Next(2) == 0);
            Assert.True(result.IsApplied || result.Reason.Length > 0);
            config.TryValidate(out _);
            if (round % 500 == 0)
                config = new RecoveryConfig();
        }
    }

    private static int Apply(RecoveryConfig config, RecordingConfigReport report, ConfigSource source, string text) =>
        ConfigTextSource.Apply(Encoding.ASCII.GetBytes(text), source, osWritable: false, config, report);

    private static int ApplyOsWritable(RecoveryConfig config, RecordingConfigReport report, ConfigSource source, string text) =>
        ConfigTextSource.Apply(Encoding.ASCII.GetBytes(text), source, osWritable: true, config, report);
}
