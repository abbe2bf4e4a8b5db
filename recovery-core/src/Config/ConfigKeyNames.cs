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
        return ConfigKey.None;
    }

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
