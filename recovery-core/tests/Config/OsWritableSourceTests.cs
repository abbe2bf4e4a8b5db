using System.Text;
using UefiRecovery.Core.Config;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>
/// Issue #10, a compromised OS: it can write the ESP file and EFI variables with RUNTIME_ACCESS. Every key
/// that can make the app write flash, choose where it writes, or weaken or stall recovery is refused from
/// those sources (docs/config.md, "What the running OS can do"); <c>mode=recover</c> (a forced reflash) too;
/// and a source the OS can write never beats one it cannot.
/// </summary>
public sealed class OsWritableSourceTests
{
    private const string Refused = "protected key: not taken from a source the OS can write";

    /// <summary>Keys protected since issue #10, each with a valid value.</summary>
    public static TheoryData<string, ConfigKey> NewlyProtected => new()
    {
        { "uefirecovery.fvbcheck.write=restore-selftest", ConfigKey.FvbCheckWrite },
        { "uefirecovery.fvbcheck.fs=8C8CE578-8A3D-4F1C-9935-896185C32DD3", ConfigKey.FvbCheckFileSystem },
        { "uefirecovery.ip=192.0.2.50/24", ConfigKey.Ip },
        { "uefirecovery.gateway=192.0.2.1", ConfigKey.Gateway },
        { "uefirecovery.manager=192.0.2.10:40123", ConfigKey.Manager },
        { "uefirecovery.discovery=manager", ConfigKey.Discovery },
        { "uefirecovery.timeout.recovery=1", ConfigKey.RecoveryTimeout },
        { "uefirecovery.timeout.request-backoff=3600", ConfigKey.RequestBackoffTimeout },
        { "uefirecovery.timeout.volume-wait=0", ConfigKey.VolumeWaitTimeout },
        { "uefirecovery.bmc-stage=after-recovery", ConfigKey.BmcStage },
        { "uefirecovery.debugexit=1", ConfigKey.DebugExit },
        { "uefirecovery.trust.manager=" + new string('a', 64), ConfigKey.TrustManager },
        { "uefirecovery.trust.instruction=" + new string('a', 64), ConfigKey.TrustInstruction },
    };

    [Theory]
    [MemberData(nameof(NewlyProtected))]
    public void TryApplyFrom_NewlyProtectedKeyFromEspFile_RefusedNothingChanged(string entry, ConfigKey key)
    {
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        int rejected = ConfigTextSource.Apply(Encoding.ASCII.GetBytes(entry + "\n"), ConfigSource.EspFile, osWritable: true, config, report);

        Assert.Equal(1, rejected);
        Assert.Equal("SourceNotTrusted esp-file:1 " + entry + " " + Refused, report.Lines[0]);
        Assert.Equal(ConfigSource.None, config.SourceOf(key));
        AssertDefaults(config);
        Assert.False(config.ProtectedKeyRejected); // one line from the OS must not switch recovery off either
    }

    [Theory]
    [MemberData(nameof(NewlyProtected))]
    public void TryApplyFrom_NewlyProtectedKeyFromRuntimeVariable_RefusedNothingChanged(string entry, ConfigKey key)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.EfiVariable, entry, osWritable: true);

        Assert.Equal(ConfigStatus.SourceNotTrusted, result.Status);
        Assert.Equal(key, result.Key);
        Assert.Equal(Refused, result.Reason);
        Assert.Equal(ConfigSource.None, config.SourceOf(key));
        AssertDefaults(config);
        Assert.False(config.ProtectedKeyRejected);
    }

    [Theory]
    [MemberData(nameof(NewlyProtected))]
    public void TryApplyFrom_NewlyProtectedKeyFromBootServicesVariableOrSmbios_Applied(string entry, ConfigKey key)
    {
        var fromVariable = new RecoveryConfig();
        var fromSmbios = new RecoveryConfig();

        Assert.True(fromVariable.TryApplyFrom(ConfigSource.EfiVariable, entry, osWritable: false).IsApplied);
        Assert.True(fromSmbios.TryApplyFrom(ConfigSource.Smbios, entry).IsApplied);

        Assert.Equal(ConfigSource.EfiVariable, fromVariable.SourceOf(key));
        Assert.True(fromVariable.IsFromProtectedSource(key));
        Assert.True(fromSmbios.IsFromProtectedSource(key));
    }

    [Theory]
    [InlineData("uefirecovery.fvbcheck.write=rewrite", ConfigKey.FvbCheckWrite)]
    [InlineData("uefirecovery.fvbcheck.fs=not-a-guid", ConfigKey.FvbCheckFileSystem)]
    [InlineData("uefirecovery.ip=192.0.2.50", ConfigKey.Ip)]
    [InlineData("uefirecovery.gateway=255.255.255.255", ConfigKey.Gateway)]
    [InlineData("uefirecovery.manager=10.0.0.300", ConfigKey.Manager)]
    [InlineData("uefirecovery.discovery=multicast", ConfigKey.Discovery)]
    [InlineData("uefirecovery.timeout.recovery=604801", ConfigKey.RecoveryTimeout)]
    [InlineData("uefirecovery.timeout.request-backoff=0", ConfigKey.RequestBackoffTimeout)]
    [InlineData("uefirecovery.debugexit=yes", ConfigKey.DebugExit)]
    public void TryApplyFrom_BadNewlyProtectedValueFromSmbios_ProtectedKeyRejected(string entry, ConfigKey key)
    {
        // Same rule as the trust keys: the default would stand in for what the platform meant (a refused
        // discovery=manager would broadcast where the platform forbade it), so recovery stops with reason=config.
        var config = new RecoveryConfig();

        Assert.Equal(ConfigStatus.BadValue, config.TryApplyFrom(ConfigSource.Smbios, entry).Status);

        Assert.True(config.ProtectedKeyRejected);
        Assert.Equal(key, config.FirstRejectedProtectedKey);
    }

    [Theory]
    [InlineData(ConfigSource.EspFile, true)]
    [InlineData(ConfigSource.EfiVariable, true)]
    public void TryApplyFrom_ModeRecoverFromOsWritableSource_RefusedDefaultModeKept(ConfigSource source, bool osWritable)
    {
        // mode=recover rewrites a valid region: a forced reflash. Issue #13 will let the OS ask for it with a
        // signed instruction; until then an OS-writable source may not.
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(source, "uefirecovery.mode=recover", osWritable);

        Assert.Equal(ConfigStatus.SourceNotTrusted, result.Status);
        Assert.Equal(ConfigKey.Mode, result.Key);
        Assert.Equal("mode=recover rewrites a valid region: not taken from a source the OS can write", result.Reason);
        Assert.Equal(RecoveryMode.Default, config.Mode);
        Assert.Equal(ConfigSource.None, config.SourceOf(ConfigKey.Mode));
        Assert.False(config.ProtectedKeyRejected);
    }

    [Theory]
    [InlineData(ConfigSource.EspFile, true)]
    [InlineData(ConfigSource.EfiVariable, true)]
    public void TryApplyFrom_ModeStageToBmcFromOsWritableSource_RefusedDefaultModeKept(ConfigSource source, bool osWritable)
    {
        // Staging writes to the BMC (its donor image among them) from a list on the ESP: the platform decides.
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(source, "uefirecovery.mode=stage-to-bmc", osWritable);

        Assert.Equal(ConfigStatus.SourceNotTrusted, result.Status);
        Assert.Equal("mode=stage-to-bmc writes to the BMC: not taken from a source the OS can write", result.Reason);
        Assert.Equal(RecoveryMode.Default, config.Mode);
    }

    [Theory]
    [InlineData("uefirecovery.bmc-stage=after-recovery", true)]
    [InlineData("uefirecovery.bmc-stage=off", false)]
    public void TryApplyFrom_BmcStageFromSmbios_Applied(string entry, bool expected)
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, entry, false).IsApplied);

        Assert.Equal(expected, config.StageToBmcAfterRecovery);
    }

    [Theory]
    [InlineData(ConfigSource.Smbios, false)]
    [InlineData(ConfigSource.EfiVariable, false)]
    public void TryApplyFrom_ModeRecoverFromProtectedSource_Applied(ConfigSource source, bool osWritable)
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyFrom(source, "uefirecovery.mode=recover", osWritable).IsApplied);

        Assert.Equal(RecoveryMode.Recover, config.Mode);
        Assert.True(config.IsFromProtectedSource(ConfigKey.Mode));
    }

    [Theory]
    [InlineData("auto", RecoveryMode.Auto)]
    [InlineData("netdiag", RecoveryMode.NetDiag)]
    [InlineData("selftest", RecoveryMode.SelfTest)]
    [InlineData("coretest", RecoveryMode.CoreTest)]
    [InlineData("fvbcheck", RecoveryMode.FvbCheck)]
    public void TryApplyFrom_OtherModeFromEspFileNoPlatformMode_AppliedButNotProtected(string value, RecoveryMode mode)
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.mode=" + value, osWritable: true).IsApplied);

        Assert.Equal(mode, config.Mode);
        Assert.Equal(ConfigSource.EspFile, config.SourceOf(ConfigKey.Mode));
        Assert.False(config.IsFromProtectedSource(ConfigKey.Mode));
    }

    [Theory]
    [InlineData("netdiag")]
    [InlineData("selftest")]
    [InlineData("coretest")]
    [InlineData("fvbcheck")]
    [InlineData("auto")]
    public void Apply_PlatformModeAutoFromSmbios_OsWritableModeCannotReplaceIt(string osMode)
    {
        // The platform wants recovery (mode=auto from the BMC). The OS writes another mode into the file and
        // into a runtime variable: it must not keep an invalid region from being recovered. Sources in the
        // app's order (ConfigResolution): boot-services variable, SMBIOS, runtime variable, ESP file.
        var config = new RecoveryConfig();
        var report = new RecordingConfigReport();

        Apply(config, report, ConfigSource.Smbios, false, "uefirecovery.mode=auto\n");
        Apply(config, report, ConfigSource.EfiVariable, true, "uefirecovery.mode=" + osMode + "\n");
        Apply(config, report, ConfigSource.EspFile, true, "uefirecovery.mode=" + osMode + "\n");

        Assert.Equal(RecoveryMode.Auto, config.Mode);
        Assert.Equal(ConfigSource.Smbios, config.SourceOf(ConfigKey.Mode));
        Assert.True(config.IsFromProtectedSource(ConfigKey.Mode));
        Assert.Equal("Overridden efi-variable:1 uefirecovery.mode=" + osMode + " set by a source of higher priority", report.Lines[1]);
        Assert.Equal("Overridden esp-file:1 uefirecovery.mode=" + osMode + " set by a source of higher priority", report.Lines[2]);
    }

    [Fact]
    public void TryApplyFrom_EspFileAppliedBeforeSmbios_SmbiosStillWins()
    {
        // Whatever order a caller uses, a protected source's single-valued setting replaces an OS-writable one.
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.mode=selftest", osWritable: true).IsApplied);
        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.mode=auto").IsApplied);

        Assert.Equal(RecoveryMode.Auto, config.Mode);
        Assert.True(config.IsFromProtectedSource(ConfigKey.Mode));
    }

    [Fact]
    public void TryApplyFrom_EspFileCalledNotOsWritable_StillTreatedAsOsWritable()
    {
        // The ESP is writable by the OS whatever the caller says.
        var config = new RecoveryConfig();

        Assert.Equal(ConfigStatus.SourceNotTrusted, config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.lsv=5", osWritable: false).Status);
        Assert.Equal(ConfigStatus.SourceNotTrusted, config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.mode=recover", osWritable: false).Status);
        Assert.True(config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.mode=netdiag", osWritable: false).IsApplied);
        Assert.False(config.IsFromProtectedSource(ConfigKey.Mode));
    }

    [Theory]
    [InlineData("uefirecovery.next=\\EFI\\os\\loader.efi", ConfigKey.NextLoader)]
    [InlineData("uefirecovery.log=debug", ConfigKey.LogLevel)]
    [InlineData("uefirecovery.netdiag.timeout=0", ConfigKey.NetDiagTimeout)]
    [InlineData("uefirecovery.selftest.failfast=bounds", ConfigKey.SelfTestFailFast)]
    public void TryApplyFrom_HarmlessKeyFromEspFile_AppliedBelowProtectedSources(string entry, ConfigKey key)
    {
        var fromFile = new RecoveryConfig();
        Assert.True(fromFile.TryApplyFrom(ConfigSource.EspFile, entry, osWritable: true).IsApplied);
        Assert.Equal(ConfigSource.EspFile, fromFile.SourceOf(key));

        // With the platform's own value already applied (SMBIOS comes first), the file's is overridden.
        var both = new RecoveryConfig();
        string name = entry.Substring(0, entry.IndexOf('='));
        string platformValue = key switch
        {
            ConfigKey.NextLoader => "\\EFI\\vendor\\boot.efi",
            ConfigKey.LogLevel => "info",
            ConfigKey.NetDiagTimeout => "60",
            _ => "null",
        };
        Assert.True(both.TryApplyFrom(ConfigSource.Smbios, name + "=" + platformValue).IsApplied);
        Assert.Equal(ConfigStatus.Overridden, both.TryApplyFrom(ConfigSource.EspFile, entry, osWritable: true).Status);
        Assert.Equal(ConfigSource.Smbios, both.SourceOf(key));
    }

    [Fact]
    public void IsFromProtectedSource_DefaultDhcpAndOsWritable_False()
    {
        var config = new RecoveryConfig();
        Assert.False(config.IsFromProtectedSource(ConfigKey.Mode)); // default

        Assert.True(config.TryApplyDhcpManager(0xC0000205u, 0));
        Assert.False(config.IsFromProtectedSource(ConfigKey.Manager)); // the LAN, not the platform

        Assert.True(config.TryApplyFrom(ConfigSource.EfiVariable, "uefirecovery.next=\\EFI\\a.efi", osWritable: true).IsApplied);
        Assert.False(config.IsFromProtectedSource(ConfigKey.NextLoader));
    }

    [Fact]
    public void IsProtected_EveryKeyClassified_OnlyHarmlessKeysOpenToTheOs()
    {
        // docs/config.md's threat-model table: these six (and mode, except recover) are all the OS may set;
        // instruction is only shown (the signed variable is what the app acts on).
        for (ConfigKey key = ConfigKey.Mode; key <= ConfigKeyNames.LastKey; key++)
        {
            bool open = key == ConfigKey.Mode || key == ConfigKey.NextLoader || key == ConfigKey.LogLevel
                || key == ConfigKey.NetDiagTimeout || key == ConfigKey.SelfTestFailFast || key == ConfigKey.Instruction;
            Assert.True(open != ConfigKeyNames.IsProtected(key), ConfigKeyNames.Name(key));
        }
    }

    private static void AssertDefaults(RecoveryConfig config)
    {
        Assert.False(config.FvbCheckRestoreSelfTest);
        Assert.True(config.FvbCheckFileSystem.IsZero);
        Assert.False(config.HasStaticAddress);
        Assert.Equal(0u, config.Gateway);
        Assert.Equal(0, config.ManagerCount);
        Assert.True(config.DiscoverByBroadcast);
        Assert.Equal(0u, config.RecoveryTimeoutSeconds);
        Assert.Equal(RecoveryConfig.DefaultRequestBackoffSeconds, config.RequestBackoffSeconds);
        Assert.False(config.DebugExit);
    }

    private static void Apply(RecoveryConfig config, RecordingConfigReport report, ConfigSource source, bool osWritable, string text) =>
        ConfigTextSource.Apply(Encoding.ASCII.GetBytes(text), source, osWritable, config, report);
}
