using UefiRecovery.Core.Config;
using UefiRecovery.Core.Firmware;
using UefiRecovery.Core.Protocol;
using Xunit;

namespace UefiRecovery.Core.Tests.Config;

public sealed class RecoveryConfigTests
{
    [Fact]
    public void Constructor_NothingApplied_Defaults()
    {
        var config = new RecoveryConfig();

        Assert.Equal(RecoveryMode.Default, config.Mode);
        Assert.False(config.DebugExit);
        Assert.False(config.HasStaticAddress);
        Assert.Equal(0u, config.Gateway);
        Assert.False(config.HasManager);
        Assert.Equal(ProtocolConstants.DonorPort, config.ManagerPort);
        Assert.Equal(300u, config.NetDiagTimeoutSeconds);
        Assert.True(config.SelfTestFailFast.IsEmpty);
        Assert.True(config.DiscoverByBroadcast);
        Assert.True(config.TryValidate(out _));
    }

    [Theory]
    [InlineData("broadcast", true)]
    [InlineData("manager", false)]
    public void TryApplyEntry_Discovery_Set(string value, bool expectedBroadcast)
    {
        var config = new RecoveryConfig();
        config.TryApplyEntry("uefirecovery.manager=192.0.2.10");

        ConfigApplyResult result = config.TryApply("uefirecovery.discovery", value);

        Assert.Equal(ConfigStatus.Applied, result.Status);
        Assert.Equal(ConfigKey.Discovery, result.Key);
        Assert.Equal(expectedBroadcast, config.DiscoverByBroadcast);
        Assert.True(config.TryValidate(out _));
    }

    [Theory]
    [InlineData("unicast")]
    [InlineData("Manager")]
    [InlineData("")]
    [InlineData("manager ")]
    public void TryApply_DiscoveryBadValue_RejectedAndBroadcastKept(string value)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApply("uefirecovery.discovery", value);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal("unknown discovery (broadcast, manager)", result.Reason);
        Assert.True(config.DiscoverByBroadcast);
    }

    [Fact]
    public void TryValidate_DiscoveryManagerWithoutManager_RefusedWithReason()
    {
        var config = new RecoveryConfig();
        config.TryApplyEntry("uefirecovery.discovery=manager");

        Assert.False(config.TryValidate(out string reason));
        Assert.Equal("discovery=manager needs uefirecovery.manager=ADDR[:PORT]", reason);
    }

    [Theory]
    [InlineData("uefirecovery.mode=netdiag", RecoveryMode.NetDiag)]
    [InlineData("uefirecovery.mode=selftest", RecoveryMode.SelfTest)]
    [InlineData("uefirecovery.mode=recover", RecoveryMode.Recover)]
    [InlineData("uefirecovery.mode=auto", RecoveryMode.Auto)]
    [InlineData("uefirecovery.mode=coretest", RecoveryMode.CoreTest)]
    [InlineData("uefirecovery.mode=fvbcheck", RecoveryMode.FvbCheck)]
    [InlineData("uefirecovery.mode=stage-to-bmc", RecoveryMode.StageToBmc)]
    public void TryApplyEntry_Mode_Set(string entry, RecoveryMode expected)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.Equal(ConfigStatus.Applied, result.Status);
        Assert.Equal(ConfigKey.Mode, result.Key);
        Assert.Equal(expected, config.Mode);
    }

    [Fact]
    public void TryApplyEntry_StaticNetwork_AllFieldsSet()
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyEntry("uefirecovery.ip=10.203.7.50/24").IsApplied);
        Assert.True(config.TryApplyEntry("uefirecovery.gateway=10.203.7.1").IsApplied);
        Assert.True(config.TryApplyEntry("uefirecovery.manager=10.203.7.1:50000").IsApplied);
        Assert.True(config.TryApplyEntry("uefirecovery.netdiag.timeout=0").IsApplied);
        Assert.True(config.TryApplyEntry("uefirecovery.debugexit=1").IsApplied);

        Assert.True(config.HasStaticAddress);
        Assert.Equal(0x0ACB0732u, config.StaticAddress);
        Assert.Equal(24, config.StaticPrefixLength);
        Assert.Equal(0xFFFFFF00u, config.StaticSubnetMask);
        Assert.Equal(0x0ACB0701u, config.Gateway);
        Assert.Equal(0x0ACB0701u, config.ManagerAddress);
        Assert.Equal(50000, config.ManagerPort);
        Assert.Equal(0u, config.NetDiagTimeoutSeconds);
        Assert.True(config.DebugExit);
        Assert.True(config.TryValidate(out _));
    }

    [Fact]
    public void TryApply_WithoutSource_LastValueWins()
    {
        var config = new RecoveryConfig();

        // uefirecovery.manager is repeatable (each adds one, ManagerListConfigTests); a single-valued key is replaced.
        config.TryApply("uefirecovery.gateway", "192.0.2.1");
        config.TryApply("uefirecovery.gateway", "192.0.2.2");

        Assert.Equal(0xC0000202u, config.Gateway);
    }

    [Theory]
    [InlineData("uefirecovery.lsv=5", ConfigKey.LowestSupportedVersion)]
    [InlineData("uefirecovery.image-type=6dcbd5ed-e82d-4c44-bda1-7194199ad92a", ConfigKey.ImageType)]
    [InlineData("uefirecovery.next=\\EFI\\BOOT\\NEXT.EFI", ConfigKey.NextLoader)]
    [InlineData("uefirecovery.trust.rsa2048=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", ConfigKey.TrustRsa2048)]
    [InlineData("uefirecovery.fvbcheck.fs=8C8CE578-8A3D-4F1C-9935-896185C32DD3", ConfigKey.FvbCheckFileSystem)]
    [InlineData("uefirecovery.fvbcheck.write=restore-selftest", ConfigKey.FvbCheckWrite)]
    [InlineData("uefirecovery.log=debug", ConfigKey.LogLevel)]
    [InlineData("uefirecovery.target=6dcbd5ed-e82d-4c44-bda1-7194199ad92a,fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0x84000", ConfigKey.Target)]
    public void TryApplyEntry_TargetAndCheckKeys_AppliedByThisClass(string entry, ConfigKey expected)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.Equal(ConfigStatus.Applied, result.Status);
        Assert.Equal(expected, result.Key);
    }

    [Fact]
    public void TryApplyEntry_TargetKeys_ReachTargetConfig()
    {
        var config = new RecoveryConfig();

        config.TryApplyEntry("uefirecovery.image-type=6dcbd5ed-e82d-4c44-bda1-7194199ad92a");
        config.TryApplyEntry("uefirecovery.lsv=0x10");
        config.TryApplyEntry("uefirecovery.fvbcheck.write=restore-selftest");
        config.TryApplyEntry("uefirecovery.log=debug");

        Assert.False(config.Target.ImageType.IsZero);
        Assert.Equal(16u, config.Target.LowestSupportedVersion);
        Assert.True(config.FvbCheckRestoreSelfTest);
        Assert.True(config.DebugLog);
    }

    /// <summary>
    /// The path the app takes (RecoveryPreflight, FvbCheckMode): with no target configured the region is the default the app
    /// passes for its architecture; a configured target (the image type's) wins over it.
    /// </summary>
    [Fact]
    public void TrySelectRegion_NoTargetGivesTheCallersDefault_ConfiguredTargetWins()
    {
        var config = new RecoveryConfig();
        config.TryApplyEntry("uefirecovery.image-type=6dcbd5ed-e82d-4c44-bda1-7194199ad92a");

        Assert.True(config.TrySelectRegion(RegionTarget.AavmfNvStore, out RegionTarget aavmf, out _, out _));
        Assert.True(config.TrySelectRegion(RegionTarget.OvmfNvStore4M, out RegionTarget ovmf, out _, out _));
        Assert.Equal((0xC0000ul, 0x40000, true), (aavmf.FvLength, aavmf.BlockSize, aavmf.HeaderMapsDevice));
        Assert.Equal((0x84000ul, 0x1000, false), (ovmf.FvLength, ovmf.BlockSize, ovmf.HeaderMapsDevice));

        config.TryApplyEntry("uefirecovery.target=6dcbd5ed-e82d-4c44-bda1-7194199ad92a,fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0x42000");
        Assert.True(config.TrySelectRegion(RegionTarget.AavmfNvStore, out RegionTarget configured, out _, out _));
        Assert.Equal((0x42000ul, 0x1000, false), (configured.FvLength, configured.BlockSize, configured.HeaderMapsDevice));
    }

    [Theory]
    [InlineData("uefirecovery.mode=repair", ConfigKey.Mode, "unknown mode (auto, recover, netdiag, selftest, coretest, fvbcheck, stage-to-bmc)")]
    [InlineData("uefirecovery.mode=", ConfigKey.Mode, "unknown mode (auto, recover, netdiag, selftest, coretest, fvbcheck, stage-to-bmc)")]
    [InlineData("uefirecovery.mode=NETDIAG", ConfigKey.Mode, "unknown mode (auto, recover, netdiag, selftest, coretest, fvbcheck, stage-to-bmc)")]
    [InlineData("uefirecovery.debugexit=yes", ConfigKey.DebugExit, "flag is not 0 or 1")]
    [InlineData("uefirecovery.ip=10.0.0.5", ConfigKey.Ip, "prefix length missing (A.B.C.D/len)")]
    [InlineData("uefirecovery.gateway=224.0.0.1", ConfigKey.Gateway, "multicast address")]
    [InlineData("uefirecovery.manager=10.0.0.1:70000", ConfigKey.Manager, "port outside 1..65535")]
    [InlineData("uefirecovery.netdiag.timeout=1e3", ConfigKey.NetDiagTimeout, "not a whole number of seconds")]
    [InlineData("uefirecovery.netdiag.timeout=604801", ConfigKey.NetDiagTimeout, "seconds above the maximum")]
    [InlineData("uefirecovery.selftest.failfast=Bounds", ConfigKey.SelfTestFailFast, "kind has characters other than a-z, 0-9, '-'")]
    [InlineData("uefirecovery.mode", ConfigKey.Mode, "no '=' and value")]
    public void TryApplyEntry_BadValue_RejectedWithReasonAndNothingChanged(string entry, ConfigKey expectedKey, string expectedReason)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(expectedKey, result.Key);
        Assert.Equal(expectedReason, result.Reason);
        AssertDefaults(config);
    }

    [Fact]
    public void TryApplyEntry_BadValueAfterGoodOne_KeepsGoodOne()
    {
        var config = new RecoveryConfig();
        config.TryApplyEntry("uefirecovery.netdiag.timeout=60");

        Assert.False(config.TryApplyEntry("uefirecovery.netdiag.timeout=-5").IsApplied);

        Assert.Equal(60u, config.NetDiagTimeoutSeconds);
    }

    [Theory]
    [InlineData("uefirecovery.colour=blue", ConfigStatus.UnknownKey)]
    [InlineData("uefirecovery.Mode=netdiag", ConfigStatus.UnknownKey)]
    [InlineData("uefirecovery.nothing", ConfigStatus.UnknownKey)]
    [InlineData("vendor.asset=12345", ConfigStatus.NotOurs)]
    [InlineData("", ConfigStatus.NotOurs)]
    [InlineData("=netdiag", ConfigStatus.NotOurs)]
    public void TryApplyEntry_NotAKnownKey_StatusSaysWhichAndNothingChanged(string entry, ConfigStatus expected)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry(entry);

        Assert.Equal(expected, result.Status);
        Assert.Equal(ConfigKey.None, result.Key);
        Assert.NotEqual("", result.Reason);
        AssertDefaults(config);
    }

    [Fact]
    public void TryApplyEntry_ValueContainsEquals_SplitAtFirst()
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyEntry("uefirecovery.mode=netdiag=1");

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(RecoveryMode.Default, config.Mode);
    }

    [Fact]
    public void TryApplyEntry_FailFastKind_Copied()
    {
        var config = new RecoveryConfig();

        Assert.True(config.TryApplyEntry("uefirecovery.selftest.failfast=divide-by-zero").IsApplied);

        Assert.Equal("divide-by-zero", new string(config.SelfTestFailFast));
    }

    [Theory]
    [InlineData("10.0.1.1", "gateway is not on the static address's subnet")]
    [InlineData("10.0.0.5", "gateway equals the static address")]
    public void TryValidate_GatewayNotUsable_Rejected(string gateway, string expectedReason)
    {
        var config = new RecoveryConfig();
        config.TryApplyEntry("uefirecovery.ip=10.0.0.5/24");
        config.TryApply("uefirecovery.gateway", gateway);

        Assert.False(config.TryValidate(out string reason));
        Assert.Equal(expectedReason, reason);
    }

    [Fact]
    public void Name_EveryKey_RoundTripsThroughLookup()
    {
        for (ConfigKey key = ConfigKey.Mode; key <= ConfigKeyNames.LastKey; key++)
        {
            string name = ConfigKeyNames.Name(key);
            Assert.StartsWith(ConfigKeyNames.Prefix, name);
            Assert.Equal(key, ConfigKeyNames.Lookup(name));
        }
        Assert.Equal("", ConfigKeyNames.Name(ConfigKey.None));
    }

    private static void AssertDefaults(RecoveryConfig config)
    {
        Assert.Equal(RecoveryMode.Default, config.Mode);
        Assert.False(config.DebugExit);
        Assert.False(config.HasStaticAddress);
        Assert.Equal(0u, config.StaticAddress);
        Assert.Equal(0u, config.Gateway);
        Assert.Equal(0u, config.ManagerAddress);
        Assert.Equal(ProtocolConstants.DonorPort, config.ManagerPort);
        Assert.Equal(RecoveryConfig.DefaultNetDiagTimeoutSeconds, config.NetDiagTimeoutSeconds);
        Assert.True(config.SelfTestFailFast.IsEmpty);
        Assert.True(config.DiscoverByBroadcast);
    }
}

public sealed class TrustManagerConfigTests
{
    [Fact]
    public void TrustManager_UpToFourHashes_FifthAndBadHexRefused()
    {
        var config = new RecoveryConfig();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.manager=" + new string((char)('a' + i), 64)).IsApplied);
        }

        ConfigApplyResult fifth = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.manager=" + new string('e', 64));
        ConfigApplyResult badHex = new RecoveryConfig().TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.manager=xyz");

        Assert.Equal(4, config.Target.TrustedManagerKeyCount);
        Assert.Equal(0xCC, config.Target.GetTrustedManagerKeyHash(2)[0]);
        Assert.Equal(ConfigStatus.BadValue, fifth.Status);
        Assert.Equal("more than 4 manager keys", fifth.Reason);
        Assert.Equal(ConfigStatus.BadValue, badHex.Status);
        Assert.True(config.ProtectedKeyRejected, "a refused manager key from a trusted source stops recovery");
    }
}

public sealed class InstructionConfigTests
{
    [Fact]
    public void TrustInstruction_UpToFourHashes_FifthRefusedAndStopsRecovery()
    {
        var config = new RecoveryConfig();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.instruction=" + new string((char)('a' + i), 64)).IsApplied);
        }

        ConfigApplyResult fifth = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.trust.instruction=" + new string('e', 64));

        Assert.Equal(4, config.Target.InstructionKeys.Count);
        Assert.Equal(0xDD, config.Target.InstructionKeys.Get(3)[31]);
        Assert.Equal("more than 4 instruction keys", fifth.Reason);
        Assert.True(config.ProtectedKeyRejected);
    }

    [Theory]
    [InlineData("0x1122334455667788", 0x1122334455667788UL)]
    [InlineData("42", 42UL)]
    public void Instruction_FromRuntimeVariable_TakenAsTheAgentWroteIt(string value, ulong expected)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.EfiVariable, "uefirecovery.instruction=" + value, osWritable: true);

        Assert.True(result.IsApplied);
        Assert.Equal(expected, config.InstructionId);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0x")]
    [InlineData("0x11223344556677889")]
    [InlineData("id")]
    public void Instruction_ZeroOrNotANumber_RefusedNothingChanged(string value)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.EfiVariable, "uefirecovery.instruction=" + value, osWritable: true);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(0UL, config.InstructionId);
        Assert.False(config.ProtectedKeyRejected);
    }
}

public sealed class RecoverySourceConfigTests
{
    [Fact]
    public void Source_None_DonorsAlone()
    {
        var config = new RecoveryConfig();

        Assert.Equal(1, config.Sources.Count);
        Assert.Equal(RecoverySourceKind.Donors, config.Sources.GetKind(0));
    }

    [Fact]
    public void Source_FilesThenDonors_InTheOrderGiven()
    {
        var config = new RecoveryConfig();
        foreach (string entry in new[] { "file:\\EFI\\recovery\\a.cap", "file:\\b.cap", "donors" })
            Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=" + entry).IsApplied, entry);

        Assert.Equal(3, config.Sources.Count);
        Assert.Equal(RecoverySourceKind.File, config.Sources.GetKind(0));
        Assert.Equal("\\EFI\\recovery\\a.cap", config.Sources.GetPath(0).ToString());
        Assert.Equal("\\b.cap", config.Sources.GetPath(1).ToString());
        Assert.Equal(RecoverySourceKind.Donors, config.Sources.GetKind(2));
        Assert.True(config.Sources.GetPath(2).IsEmpty);
    }

    [Fact]
    public void Source_FileBmcDonors_BmcKeptInItsPlace()
    {
        var config = new RecoveryConfig();
        foreach (string entry in new[] { "file:\\a.cap", "bmc", "donors" })
            Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=" + entry).IsApplied, entry);

        Assert.Equal(3, config.Sources.Count);
        Assert.Equal(RecoverySourceKind.Bmc, config.Sources.GetKind(1));
        Assert.True(config.Sources.GetPath(1).IsEmpty);
        Assert.Equal(RecoverySourceKind.Donors, config.Sources.GetKind(2));
    }

    [Fact]
    public void Source_BmcAfterDonors_Refused()
    {
        var config = new RecoveryConfig();
        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=donors").IsApplied);

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=bmc");

        Assert.False(result.IsApplied);
        Assert.Equal(1, config.Sources.Count);
    }

    [Theory]
    [InlineData("BMC", "not donors, bmc, file:\\path or http://host/path")]
    [InlineData("ftp://192.0.2.1/a.cap", "not donors, bmc, file:\\path or http://host/path")]
    [InlineData("https://192.0.2.1/a.cap", "https is not supported: no trustworthy TLS and CA store before boot; use http (the capsule is signed)")]
    [InlineData("http://recovery.example/a.cap", "host must be an IPv4 address with an optional :port (no DNS before boot)")]
    [InlineData("http://192.0.2.1/a b.cap", "path has spaces, quotes, '#', '\\' or characters outside printable ASCII")]
    [InlineData("file:a.cap", "file path does not start with '\\' or is longer than 128 characters")]
    [InlineData("file:\\..\\a.cap", "file path has spaces, '/', '..' or characters outside printable ASCII")]
    [InlineData("file:\\a b.cap", "file path has spaces, '/', '..' or characters outside printable ASCII")]
    [InlineData("file:\\EFI/a.cap", "file path has spaces, '/', '..' or characters outside printable ASCII")]
    public void Source_BadValue_RefusedWithReasonAndStopsRecovery(string value, string reason)
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=" + value);

        Assert.Equal(ConfigStatus.BadValue, result.Status);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(0, config.Sources.Configured);
        Assert.True(config.ProtectedKeyRejected, "a refused source from a trusted source stops recovery");
    }

    [Fact]
    public void Source_HttpFileDonors_InTheOrderGivenWithWholeUrl()
    {
        var config = new RecoveryConfig();
        foreach (string entry in new[] { "http://192.0.2.10:8080/images/fw.cap", "file:\\b.cap", "donors" })
            Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=" + entry).IsApplied, entry);

        Assert.Equal(RecoverySourceKind.Http, config.Sources.GetKind(0));
        Assert.Equal("http://192.0.2.10:8080/images/fw.cap", config.Sources.GetPath(0).ToString());
        Assert.Equal(RecoverySourceKind.File, config.Sources.GetKind(1));
        Assert.Equal(RecoverySourceKind.Donors, config.Sources.GetKind(2));
    }

    [Fact]
    public void Source_HttpUrlLongerThan128_Refused()
    {
        var config = new RecoveryConfig();
        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=http://192.0.2.1/" + new string('a', 120));
        Assert.Equal("URL longer than 128 characters", result.Reason);
        Assert.Equal(0, config.Sources.Configured);
    }

    [Fact]
    public void Source_AfterDonors_Refused()
    {
        var config = new RecoveryConfig();
        Assert.True(config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=donors").IsApplied);

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.Smbios, "uefirecovery.source=file:\\a.cap");

        Assert.Equal("donors must be the last source", result.Reason);
        Assert.Equal(1, config.Sources.Configured);
    }

    [Fact]
    public void Source_FromEspFile_RefusedAsProtected()
    {
        var config = new RecoveryConfig();

        ConfigApplyResult result = config.TryApplyFrom(ConfigSource.EspFile, "uefirecovery.source=file:\\a.cap", osWritable: true);

        Assert.Equal(ConfigStatus.SourceNotTrusted, result.Status);
        Assert.Equal(0, config.Sources.Configured);
    }
}
