using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// The full key names, as they appear in an SMBIOS OEM string (<c>uefirecovery.mode=netdiag</c>) and
/// in every later source (EFI variable, ESP file). All lower case; matched exactly.
/// </summary>
public static class ConfigKeyNames
{
    public const string Prefix = "uefirecovery.";
    public const string Mode = "uefirecovery.mode";
    public const string DebugExit = "uefirecovery.debugexit";
    public const string SelfTestFailFast = "uefirecovery.selftest.failfast";
    public const string Ip = "uefirecovery.ip";
    public const string Gateway = "uefirecovery.gateway";
    public const string Manager = "uefirecovery.manager";
    public const string NetDiagTimeout = "uefirecovery.netdiag.timeout";
    public const string Discovery = "uefirecovery.discovery";
    public const string TrustRsa2048 = RecoveryTargetConfig.TrustRsa2048Key;
    public const string ImageType = RecoveryTargetConfig.ImageTypeKey;
    public const string LowestSupportedVersion = RecoveryTargetConfig.LowestSupportedVersionKey;
    public const string NextLoader = RecoveryTargetConfig.NextLoaderKey;
    public const string FvbCheckFileSystem = "uefirecovery.fvbcheck.fs";
    public const string FvbCheckWrite = "uefirecovery.fvbcheck.write";
    public const string Target = "uefirecovery.target";
    public const string LogLevel = "uefirecovery.log";
    public const string TrustX509 = RecoveryTargetConfig.TrustX509Key;
    public const string RequestBackoffTimeout = "uefirecovery.timeout.request-backoff";
    public const string RecoveryTimeout = "uefirecovery.timeout.recovery";
    public const string FlashWrite = "uefirecovery.flash.write";
    public const string TestFvbFault = "uefirecovery.test.fvb-fail";
    public const string TrustManager = RecoveryTargetConfig.TrustManagerKey;
    public const string TrustInstruction = RecoveryTargetConfig.TrustInstructionKey;
    public const string Instruction = "uefirecovery.instruction";
    public const string Source = "uefirecovery.source";
    public const string VolumeWaitTimeout = "uefirecovery.timeout.volume-wait";
    public const string BmcStage = "uefirecovery.bmc-stage";

    /// <summary>The key a name stands for; <see cref="ConfigKey.None"/> when it is not one of ours.</summary>
    public static ConfigKey Lookup(ReadOnlySpan<char> name)
    {
        if (TextEquals(name, Mode)) return ConfigKey.Mode;
        if (TextEquals(name, DebugExit)) return ConfigKey.DebugExit;
        if (TextEquals(name, SelfTestFailFast)) return ConfigKey.SelfTestFailFast;
        if (TextEquals(name, Ip)) return ConfigKey.Ip;
        if (TextEquals(name, Gateway)) return ConfigKey.Gateway;
        if (TextEquals(name, Manager)) return ConfigKey.Manager;
        if (TextEquals(name, NetDiagTimeout)) return ConfigKey.NetDiagTimeout;
        if (TextEquals(name, Discovery)) return ConfigKey.Discovery;
        if (TextEquals(name, TrustRsa2048)) return ConfigKey.TrustRsa2048;
        if (TextEquals(name, ImageType)) return ConfigKey.ImageType;
        if (TextEquals(name, LowestSupportedVersion)) return ConfigKey.LowestSupportedVersion;
        if (TextEquals(name, NextLoader)) return ConfigKey.NextLoader;
        if (TextEquals(name, FvbCheckFileSystem)) return ConfigKey.FvbCheckFileSystem;
        if (TextEquals(name, FvbCheckWrite)) return ConfigKey.FvbCheckWrite;
        if (TextEquals(name, Target)) return ConfigKey.Target;
        if (TextEquals(name, LogLevel)) return ConfigKey.LogLevel;
        if (TextEquals(name, TrustX509)) return ConfigKey.TrustX509;
        if (TextEquals(name, RequestBackoffTimeout)) return ConfigKey.RequestBackoffTimeout;
        if (TextEquals(name, RecoveryTimeout)) return ConfigKey.RecoveryTimeout;
        if (TextEquals(name, FlashWrite)) return ConfigKey.FlashWrite;
        if (TextEquals(name, TestFvbFault)) return ConfigKey.TestFvbFault;
        if (TextEquals(name, TrustManager)) return ConfigKey.TrustManager;
        if (TextEquals(name, TrustInstruction)) return ConfigKey.TrustInstruction;
        if (TextEquals(name, Instruction)) return ConfigKey.Instruction;
        if (TextEquals(name, Source)) return ConfigKey.Source;
        if (TextEquals(name, VolumeWaitTimeout)) return ConfigKey.VolumeWaitTimeout;
        if (TextEquals(name, BmcStage)) return ConfigKey.BmcStage;
        return ConfigKey.None;
    }

    /// <summary>The full name of <paramref name="key"/>; empty for <see cref="ConfigKey.None"/>.</summary>
    public static string Name(ConfigKey key) => key switch
    {
        ConfigKey.Mode => Mode,
        ConfigKey.DebugExit => DebugExit,
        ConfigKey.SelfTestFailFast => SelfTestFailFast,
        ConfigKey.Ip => Ip,
        ConfigKey.Gateway => Gateway,
        ConfigKey.Manager => Manager,
        ConfigKey.NetDiagTimeout => NetDiagTimeout,
        ConfigKey.Discovery => Discovery,
        ConfigKey.TrustRsa2048 => TrustRsa2048,
        ConfigKey.ImageType => ImageType,
        ConfigKey.LowestSupportedVersion => LowestSupportedVersion,
        ConfigKey.NextLoader => NextLoader,
        ConfigKey.FvbCheckFileSystem => FvbCheckFileSystem,
        ConfigKey.FvbCheckWrite => FvbCheckWrite,
        ConfigKey.Target => Target,
        ConfigKey.LogLevel => LogLevel,
        ConfigKey.TrustX509 => TrustX509,
        ConfigKey.RequestBackoffTimeout => RequestBackoffTimeout,
        ConfigKey.RecoveryTimeout => RecoveryTimeout,
        ConfigKey.FlashWrite => FlashWrite,
        ConfigKey.TestFvbFault => TestFvbFault,
        ConfigKey.TrustManager => TrustManager,
        ConfigKey.TrustInstruction => TrustInstruction,
        ConfigKey.Instruction => Instruction,
        ConfigKey.Source => Source,
        ConfigKey.VolumeWaitTimeout => VolumeWaitTimeout,
        ConfigKey.BmcStage => BmcStage,
        _ => "",
    };

    /// <summary>The last key of <see cref="ConfigKey"/>, for loops over all keys.</summary>
    public const ConfigKey LastKey = ConfigKey.BmcStage;

    /// <summary>Keys one source may give several times (each adds a value); every other key is single-valued.</summary>
    public static bool IsMultiValued(ConfigKey key) => key == ConfigKey.Manager || key == ConfigKey.TrustRsa2048 || key == ConfigKey.TrustX509 || key == ConfigKey.Target
        || key == ConfigKey.TrustManager || key == ConfigKey.TrustInstruction || key == ConfigKey.Source;

    /// <summary>
    /// Keys a source the running OS can write (the ESP file, an EFI variable with RUNTIME_ACCESS) may not set
    /// (docs/config.md, "What the running OS can do"): what firmware is accepted and where it is written (the
    /// Root of Trust for Update, SP 800-147 §3.1), what makes the app write flash (fvbcheck's self-test
    /// write), and what decides whether and when recovery reaches its manager (address, discovery,
    /// timeouts) or how it ends (debugexit), how recovery writes the flash (flash.write: all blocks erases the
    /// header block every time), and the test-only FVB failure. They come only from SMBIOS (BMC, hypervisor) and
    /// from an EFI variable without RUNTIME_ACCESS (set before the OS). One row per key, so a new one is one more line.
    /// </summary>
    public static bool IsProtected(ConfigKey key) => key switch
    {
        ConfigKey.TrustRsa2048 => true,
        ConfigKey.TrustX509 => true,
        ConfigKey.ImageType => true,
        ConfigKey.LowestSupportedVersion => true,
        ConfigKey.Target => true,
        ConfigKey.FvbCheckWrite => true,
        ConfigKey.FvbCheckFileSystem => true,
        ConfigKey.Ip => true,
        ConfigKey.Gateway => true,
        ConfigKey.Manager => true,
        ConfigKey.Discovery => true,
        ConfigKey.RecoveryTimeout => true,
        ConfigKey.RequestBackoffTimeout => true,
        ConfigKey.DebugExit => true,
        ConfigKey.FlashWrite => true,
        ConfigKey.TestFvbFault => true,
        ConfigKey.TrustManager => true,
        ConfigKey.TrustInstruction => true,
        ConfigKey.Source => true,
        ConfigKey.VolumeWaitTimeout => true,
        ConfigKey.BmcStage => true,
        _ => false,
    };

    /// <summary>Ordinal comparison of a span with a literal (no string is built).</summary>
    public static bool TextEquals(ReadOnlySpan<char> text, string literal)
    {
        if (text.Length != literal.Length) return false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != literal[i]) return false;
        }
        return true;
    }

    /// <summary>True when <paramref name="text"/> starts with <paramref name="literal"/>.</summary>
    public static bool StartsWith(ReadOnlySpan<char> text, string literal)
        => text.Length >= literal.Length && TextEquals(text.Slice(0, literal.Length), literal);
}
