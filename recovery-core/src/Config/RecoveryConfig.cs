using System;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Core.Config;

/// <summary>
/// The app's settings, <c>uefirecovery.&lt;key&gt;=&lt;value&gt;</c>, with their defaults. Sources are
/// applied in order, each through <see cref="TryApply"/>, so a later source overrides an earlier one:
/// today SMBIOS type 11 OEM strings; later an EFI variable, a file on the ESP, and the DHCP option.
/// A rejected value changes nothing and says why. Allocated once; applying allocates nothing.
/// </summary>
public sealed class RecoveryConfig
{
    /// <summary>Default <c>uefirecovery.netdiag.timeout</c>: five minutes.</summary>
    public const uint DefaultNetDiagTimeoutSeconds = 300;

    /// <summary>Upper bound of any seconds value: one week (0 means "forever" where allowed).</summary>
    public const uint MaxSeconds = 7 * 24 * 3600;

    /// <summary>Room for <c>uefirecovery.selftest.failfast</c>'s value (the longest kind is 13 chars).</summary>
    public const int MaxFailFastKindLength = 32;

    private readonly char[] _failFastKind = new char[MaxFailFastKindLength];
    private int _failFastKindLength;

    public RecoveryMode Mode { get; private set; } = RecoveryMode.Default;

    /// <summary><c>uefirecovery.debugexit=1</c>: end through QEMU's isa-debug-exit port.</summary>
    public bool DebugExit { get; private set; }

    /// <summary><c>uefirecovery.selftest.failfast</c>: the deliberately failing check to run; empty when unset.</summary>
    public ReadOnlySpan<char> SelfTestFailFast => new ReadOnlySpan<char>(_failFastKind, 0, _failFastKindLength);

    /// <summary>True when <c>uefirecovery.ip</c> set a static address (then DHCP is not used).</summary>
    public bool HasStaticAddress { get; private set; }

    /// <summary>Static address (big-endian number), 0 when unset.</summary>
    public uint StaticAddress { get; private set; }

    /// <summary>Static prefix length 1..32, 0 when unset.</summary>
    public int StaticPrefixLength { get; private set; }

    /// <summary>Static network mask derived from <see cref="StaticPrefixLength"/>.</summary>
    public uint StaticSubnetMask => ConfigValueParser.MaskFromPrefix(StaticPrefixLength);

    /// <summary><c>uefirecovery.gateway</c>, 0 when unset (on-link destinations only).</summary>
    public uint Gateway { get; private set; }

    /// <summary><c>uefirecovery.manager=ADDR[:PORT]</c>; address 0 when unset.</summary>
    public uint ManagerAddress { get; private set; }

    /// <summary>Manager UDP port; <see cref="ProtocolConstants.DonorPort"/> unless the setting names one.</summary>
    public ushort ManagerPort { get; private set; } = ProtocolConstants.DonorPort;

    public bool HasManager => ManagerAddress != 0;

    /// <summary><c>uefirecovery.netdiag.timeout</c>: seconds of answering before netdiag stops; 0 = until a key press.</summary>
    public uint NetDiagTimeoutSeconds { get; private set; } = DefaultNetDiagTimeoutSeconds;

    /// <summary>
    /// Applies one setting. <paramref name="key"/> is the full name (<c>uefirecovery.mode</c>),
    /// <paramref name="value"/> the text after '='. Nothing changes unless the result is Applied.
    /// </summary>
    public ConfigApplyResult TryApply(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
    {
        if (!ConfigKeyNames.StartsWith(key, ConfigKeyNames.Prefix))
        {
            return new ConfigApplyResult(ConfigStatus.NotOurs, ConfigKey.None, "not a uefirecovery. setting");
        }

        ConfigKey which = ConfigKeyNames.Lookup(key);
        string reason;
        switch (which)
        {
            case ConfigKey.Mode:
                if (ConfigKeyNames.TextEquals(value, "selftest")) Mode = RecoveryMode.SelfTest;
                else if (ConfigKeyNames.TextEquals(value, "netdiag")) Mode = RecoveryMode.NetDiag;
                else if (ConfigKeyNames.TextEquals(value, "recover")) Mode = RecoveryMode.Recover;
                else if (ConfigKeyNames.TextEquals(value, "auto")) Mode = RecoveryMode.Auto;
                else return ConfigApplyResult.BadValue(which, "unknown mode (selftest, netdiag, recover, auto)");
                return ConfigApplyResult.Applied(which);

            case ConfigKey.DebugExit:
                if (!ConfigValueParser.TryParseFlag(value, out bool flag, out reason)) return ConfigApplyResult.BadValue(which, reason);
                DebugExit = flag;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.SelfTestFailFast:
                return ApplyFailFastKind(value);

            case ConfigKey.Ip:
                if (!ConfigValueParser.TryParseHostPrefix(value, out uint address, out int prefix, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                StaticAddress = address;
                StaticPrefixLength = prefix;
                HasStaticAddress = true;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.Gateway:
                if (!ConfigValueParser.TryParseUnicastIpv4(value, out uint gateway, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                Gateway = gateway;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.Manager:
                if (!ConfigValueParser.TryParseEndpoint(value, ProtocolConstants.DonorPort, out uint manager, out ushort port, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                ManagerAddress = manager;
                ManagerPort = port;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.NetDiagTimeout:
                if (!ConfigValueParser.TryParseSeconds(value, MaxSeconds, out uint seconds, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                NetDiagTimeoutSeconds = seconds;
                return ConfigApplyResult.Applied(which);

            default:
                if (RecoveryTargetConfig.IsOwnKey(key))
                    return new ConfigApplyResult(ConfigStatus.OtherSection, ConfigKey.None, "applied by RecoveryTargetConfig");
                return new ConfigApplyResult(ConfigStatus.UnknownKey, ConfigKey.None, "unknown uefirecovery. key");
        }
    }

    /// <summary>
    /// Applies one <c>key=value</c> entry (an OEM string, a line of a file). An entry without '=' is
    /// a bad value of whatever key it names.
    /// </summary>
    public ConfigApplyResult TryApplyEntry(ReadOnlySpan<char> entry)
    {
        int equals = -1;
        for (int i = 0; i < entry.Length; i++)
        {
            if (entry[i] == '=')
            {
                equals = i;
                break;
            }
        }

        if (equals < 0)
        {
            if (!ConfigKeyNames.StartsWith(entry, ConfigKeyNames.Prefix))
                return new ConfigApplyResult(ConfigStatus.NotOurs, ConfigKey.None, "not a uefirecovery. setting");
            ConfigKey named = ConfigKeyNames.Lookup(entry);
            return named == ConfigKey.None
                ? new ConfigApplyResult(ConfigStatus.UnknownKey, ConfigKey.None, "unknown uefirecovery. key")
                : ConfigApplyResult.BadValue(named, "no '=' and value");
        }

        return TryApply(entry.Slice(0, equals), entry.Slice(equals + 1));
    }

    /// <summary>
    /// Checks what only the combination of settings can show, once every source is applied: a
    /// gateway must be on the static subnet (RFC 1122 §3.3.1.1: a gateway is reachable directly).
    /// </summary>
    public bool TryValidate(out string reason)
    {
        if (HasStaticAddress && Gateway != 0)
        {
            uint mask = StaticSubnetMask;
            if ((Gateway & mask) != (StaticAddress & mask))
            {
                reason = "gateway is not on the static address's subnet";
                return false;
            }
            if (Gateway == StaticAddress)
            {
                reason = "gateway equals the static address";
                return false;
            }
        }

        reason = "";
        return true;
    }

    private ConfigApplyResult ApplyFailFastKind(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxFailFastKindLength)
            return ConfigApplyResult.BadValue(ConfigKey.SelfTestFailFast, "kind empty or longer than 32 characters");
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) return ConfigApplyResult.BadValue(ConfigKey.SelfTestFailFast, "kind has characters other than a-z, 0-9, '-'");
        }
        value.CopyTo(_failFastKind);
        _failFastKindLength = value.Length;
        return ConfigApplyResult.Applied(ConfigKey.SelfTestFailFast);
    }
}
