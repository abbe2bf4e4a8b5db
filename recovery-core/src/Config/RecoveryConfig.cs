using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Core.Config;

/// <summary>
/// The app's settings, <c>uefirecovery.&lt;key&gt;=&lt;value&gt;</c>, with their defaults. The app applies
/// its sources in priority order through <see cref="TryApplyFrom"/> (EFI variable, ESP file, SMBIOS OEM
/// strings, DHCP option): the first source that sets a key keeps it, a lower one is reported as
/// overridden, and a single-valued key given twice by one source is an error (the first value stays).
/// <see cref="TryApply"/> sets a value without that bookkeeping. A rejected value changes nothing and
/// says why. Allocated once; applying allocates nothing.
/// </summary>
public sealed class RecoveryConfig
{
    /// <summary>Default <c>uefirecovery.netdiag.timeout</c>: five minutes.</summary>
    public const uint DefaultNetDiagTimeoutSeconds = 300;

    /// <summary>Default <c>uefirecovery.timeout.request-backoff</c>: the REQUEST backoff cap of docs/protocol.md §6.2 (8 s).</summary>
    public const uint DefaultRequestBackoffSeconds = 8;

    /// <summary>Largest <c>uefirecovery.timeout.request-backoff</c>: one hour between REQUESTs.</summary>
    public const uint MaxRequestBackoffSeconds = 3600;

    /// <summary>Default <c>uefirecovery.timeout.volume-wait</c>: a minute for someone to plug the stick in.</summary>
    public const uint DefaultVolumeWaitSeconds = 60;

    /// <summary>Largest <c>uefirecovery.timeout.volume-wait</c>: an hour.</summary>
    public const uint MaxVolumeWaitSeconds = 3600;

    /// <summary>Upper bound of any seconds value: one week (0 means "forever" where allowed).</summary>
    public const uint MaxSeconds = 7 * 24 * 3600;

    /// <summary>Room for <c>uefirecovery.selftest.failfast</c>'s value (the longest kind is 13 chars).</summary>
    public const int MaxFailFastKindLength = 32;

    private readonly char[] _failFastKind = new char[MaxFailFastKindLength];
    private int _failFastKindLength;

    /// <summary>Per <see cref="ConfigKey"/>: the source that set it (None = default in force).</summary>
    private readonly ConfigSource[] _sourceOf = new ConfigSource[KeyCount];

    /// <summary>Per <see cref="ConfigKey"/>: the source that set it can be written by the running OS.</summary>
    private readonly bool[] _setByOsWritable = new bool[KeyCount];

    private const int KeyCount = (int)ConfigKeyNames.LastKey + 1;

    /// <summary>Trust anchors, image type, rollback floor, next loader (<c>uefirecovery.trust.*</c>, ...).</summary>
    public RecoveryTargetConfig Target { get; } = new RecoveryTargetConfig();

    /// <summary><c>uefirecovery.target</c> entries: image type → region (without any, the platform default <see cref="TrySelectRegion"/> is given).</summary>
    public RegionTargetMap TargetMap { get; } = new RegionTargetMap();

    /// <summary><c>uefirecovery.source</c> entries: where recovery looks for an image, in order (default: donors).</summary>
    public RecoverySources Sources { get; } = new RecoverySources();

    /// <summary><c>uefirecovery.fvbcheck.fs</c>: the FileSystemGuid fvbcheck looks for instead of the mapped target's.</summary>
    public EfiGuid FvbCheckFileSystem { get; private set; }

    /// <summary><c>uefirecovery.fvbcheck.write=restore-selftest</c> (<c>none</c> is the default).</summary>
    public bool FvbCheckRestoreSelfTest { get; private set; }

    /// <summary><c>uefirecovery.log=debug</c>: print the detail lines (e.g. CONFIG overridden); <c>info</c> is the default.</summary>
    public bool DebugLog { get; private set; }

    public RecoveryMode Mode { get; private set; } = RecoveryMode.Default;

    /// <summary>
    /// <c>uefirecovery.instruction</c>: the id the OS agent wrote beside the instruction it took (0 = none). Only
    /// shown: what the app acts on is the signed <c>UefiRecoveryInstruction</c> variable (docs/protocol.md §4.11).
    /// </summary>
    public ulong InstructionId { get; private set; }

    /// <summary>
    /// <c>uefirecovery.flash.write=all</c>: recovery erases and rewrites every block; <c>changed</c> (the
    /// default) only the blocks that differ from the image (docs/firmware-regions.md). Protected: <c>all</c> opens
    /// the header block's erase window at every recovery.
    /// </summary>
    public bool FlashWriteAllBlocks { get; private set; }

    /// <summary>
    /// <c>uefirecovery.test.fvb-fail</c> (TEST ONLY, protected: SMBIOS or a boot-services-only variable):
    /// the recovery run treats this FVB call as failed, to prove it stops before any erase.
    /// </summary>
    public FvbTestFault TestFvbFault { get; private set; }

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

    /// <summary>Most <c>uefirecovery.manager</c> entries (the key may be repeated, like <c>trust.rsa2048</c>).</summary>
    public const int MaxManagers = 4;

    private readonly uint[] _managerAddresses = new uint[MaxManagers];
    private readonly ushort[] _managerPorts = new ushort[MaxManagers];

    /// <summary>Number of <c>uefirecovery.manager=ADDR[:PORT]</c> entries applied (0..<see cref="MaxManagers"/>).</summary>
    public int ManagerCount { get; private set; }

    /// <summary>The first <c>uefirecovery.manager</c>'s address; 0 when unset.</summary>
    public uint ManagerAddress => ManagerCount > 0 ? _managerAddresses[0] : 0;

    /// <summary>The first manager's UDP port; <see cref="ProtocolConstants.DonorPort"/> unless the setting names one.</summary>
    public ushort ManagerPort => ManagerCount > 0 ? _managerPorts[0] : ProtocolConstants.DonorPort;

    /// <summary>The <paramref name="index"/>th manager's address, in the order given; 0 outside 0..ManagerCount-1.</summary>
    public uint GetManagerAddress(int index) => index >= 0 && index < ManagerCount ? _managerAddresses[index] : 0;

    /// <summary>The <paramref name="index"/>th manager's port; 0 outside 0..ManagerCount-1.</summary>
    public ushort GetManagerPort(int index) => index >= 0 && index < ManagerCount ? _managerPorts[index] : (ushort)0;

    public bool HasManager => ManagerCount != 0;

    /// <summary><c>uefirecovery.netdiag.timeout</c>: seconds of answering before netdiag stops; 0 = until a key press.</summary>
    public uint NetDiagTimeoutSeconds { get; private set; } = DefaultNetDiagTimeoutSeconds;

    /// <summary>
    /// <c>uefirecovery.discovery</c>: <c>broadcast</c> (default) sends each REQUEST to the configured
    /// manager and a broadcast copy; <c>manager</c> (false here) sends it to the configured manager only,
    /// for networks where the machine must not broadcast. <c>manager</c> without a
    /// <c>uefirecovery.manager</c> fails <see cref="TryValidate"/>: there would be nobody to ask.
    /// </summary>
    public bool DiscoverByBroadcast { get; private set; } = true;

    /// <summary>
    /// <c>uefirecovery.timeout.request-backoff</c>: cap, in seconds, of the REQUEST backoff while no manager
    /// answers (1 s, 2 s, 4 s, ... up to this); a larger cap means less traffic from a machine left waiting.
    /// </summary>
    public uint RequestBackoffSeconds { get; private set; } = DefaultRequestBackoffSeconds;

    /// <summary>
    /// <c>uefirecovery.timeout.volume-wait</c>: when every file source came up empty and no donors follow them,
    /// seconds the app keeps watching for a new volume (a USB stick plugged in after boot) and looks again;
    /// 0: give up at once. With donors in the list the network is the fallback and nothing waits.
    /// </summary>
    public uint VolumeWaitSeconds { get; private set; } = DefaultVolumeWaitSeconds;

    /// <summary>
    /// <c>uefirecovery.bmc-stage=after-recovery</c>: a verified recovery then hands the stage list's files to the BMC. Off by
    /// default and protected: the list lives on the OS-writable ESP, so only the platform may turn the write to the BMC on
    /// (otherwise the OS could replace the BMC's donor image at every recovery; docs/bmc.md).
    /// </summary>
    public bool StageToBmcAfterRecovery { get; private set; }

    /// <summary>
    /// <c>uefirecovery.timeout.recovery</c>: seconds from the start of discovery until recovery gives up when no
    /// image has been verified (nothing is written; back to the firmware). 0 (the default): wait for a manager forever.
    /// </summary>
    public uint RecoveryTimeoutSeconds { get; private set; }

    /// <summary>
    /// Fail-closed signal: a protected key (<see cref="ConfigKeyNames.IsProtected"/>: trust anchors, image
    /// type, rollback floor, target, network, timeouts, ...) was given by a source the app trusts for it, but its value was refused
    /// (bad value, more entries than allowed, repeated in one source). Its default would then stand in
    /// for what the operator meant (a refused <c>lsv</c> would become 0: no rollback floor), so recovery
    /// must not run (<c>RECOVERY DONE verdict=failed reason=config</c>). A protected key (or <c>mode=recover</c>) from an
    /// OS-writable source (<see cref="ConfigStatus.SourceNotTrusted"/>) does not count: the running OS
    /// must not be able to switch recovery off by writing one line into the ESP file.
    /// </summary>
    public bool ProtectedKeyRejected => ProtectedRejections != 0;

    /// <summary>Number of refused protected values (see <see cref="ProtectedKeyRejected"/>).</summary>
    public int ProtectedRejections { get; private set; }

    /// <summary>The first refused protected key, <see cref="ConfigKey.None"/> when none.</summary>
    public ConfigKey FirstRejectedProtectedKey { get; private set; }

    /// <summary>Why <see cref="FirstRejectedProtectedKey"/> was refused; empty when none.</summary>
    public string FirstProtectedRejectionReason { get; private set; } = "";

    /// <summary>
    /// Applies one setting. <paramref name="key"/> is the full name (<c>uefirecovery.mode</c>),
    /// <paramref name="value"/> the text after '='. Nothing changes unless the result is Applied.
    /// </summary>
    public ConfigApplyResult TryApply(ReadOnlySpan<char> key, ReadOnlySpan<char> value) => NoteRejection(ApplyValue(key, value));

    private ConfigApplyResult ApplyValue(ReadOnlySpan<char> key, ReadOnlySpan<char> value)
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
                else if (ConfigKeyNames.TextEquals(value, "coretest")) Mode = RecoveryMode.CoreTest;
                else if (ConfigKeyNames.TextEquals(value, "fvbcheck")) Mode = RecoveryMode.FvbCheck;
                else if (ConfigKeyNames.TextEquals(value, "stage-to-bmc")) Mode = RecoveryMode.StageToBmc;
                else return ConfigApplyResult.BadValue(which, "unknown mode (auto, recover, netdiag, selftest, coretest, fvbcheck, stage-to-bmc)");
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
                if (ManagerCount == MaxManagers)
                    return ConfigApplyResult.BadValue(which, "more than 4 managers");
                for (int i = 0; i < ManagerCount; i++)
                {
                    if (_managerAddresses[i] == manager && _managerPorts[i] == port)
                        return ConfigApplyResult.BadValue(which, "manager already listed");
                }
                _managerAddresses[ManagerCount] = manager;
                _managerPorts[ManagerCount] = port;
                ManagerCount++;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.NetDiagTimeout:
                if (!ConfigValueParser.TryParseSeconds(value, MaxSeconds, out uint seconds, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                NetDiagTimeoutSeconds = seconds;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.RequestBackoffTimeout:
                if (!ConfigValueParser.TryParseSeconds(value, MaxRequestBackoffSeconds, out uint backoff, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                if (backoff == 0)
                    return ConfigApplyResult.BadValue(which, "0 seconds: the backoff cap must be at least 1");
                RequestBackoffSeconds = backoff;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.BmcStage:
                if (ConfigKeyNames.TextEquals(value, "after-recovery")) StageToBmcAfterRecovery = true;
                else if (ConfigKeyNames.TextEquals(value, "off")) StageToBmcAfterRecovery = false;
                else return ConfigApplyResult.BadValue(which, "unknown bmc-stage (off, after-recovery)");
                return ConfigApplyResult.Applied(which);

            case ConfigKey.VolumeWaitTimeout:
                if (!ConfigValueParser.TryParseSeconds(value, MaxVolumeWaitSeconds, out uint volumeWait, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                VolumeWaitSeconds = volumeWait;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.RecoveryTimeout:
                if (!ConfigValueParser.TryParseSeconds(value, MaxSeconds, out uint deadline, out reason))
                    return ConfigApplyResult.BadValue(which, reason);
                RecoveryTimeoutSeconds = deadline;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.Discovery:
                if (ConfigKeyNames.TextEquals(value, "broadcast")) DiscoverByBroadcast = true;
                else if (ConfigKeyNames.TextEquals(value, "manager")) DiscoverByBroadcast = false;
                else return ConfigApplyResult.BadValue(which, "unknown discovery (broadcast, manager)");
                return ConfigApplyResult.Applied(which);

            case ConfigKey.Instruction:
                if (!ConfigValueParser.TryParseNumber64(value, out ulong instructionId) || instructionId == 0)
                    return ConfigApplyResult.BadValue(which, "not a nonzero 64-bit number (0x hex or decimal)");
                InstructionId = instructionId;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.TrustRsa2048:
            case ConfigKey.TrustManager:
            case ConfigKey.TrustInstruction:
            case ConfigKey.TrustX509:
            case ConfigKey.ImageType:
            case ConfigKey.LowestSupportedVersion:
            case ConfigKey.NextLoader:
                if (!Target.TryApply(key, value, out reason)) return ConfigApplyResult.BadValue(which, reason);
                return ConfigApplyResult.Applied(which);

            case ConfigKey.Source:
                if (!Sources.TryAdd(value, out reason)) return ConfigApplyResult.BadValue(which, reason);
                return ConfigApplyResult.Applied(which);

            case ConfigKey.Target:
                if (!TargetMap.TryAdd(value, out reason)) return ConfigApplyResult.BadValue(which, reason);
                return ConfigApplyResult.Applied(which);

            case ConfigKey.FvbCheckFileSystem:
                if (!EfiGuid.TryParse(value, out EfiGuid fileSystem) || fileSystem.IsZero)
                    return ConfigApplyResult.BadValue(which, "not a nonzero GUID (XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)");
                FvbCheckFileSystem = fileSystem;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.FvbCheckWrite:
                if (ConfigKeyNames.TextEquals(value, "restore-selftest")) FvbCheckRestoreSelfTest = true;
                else if (ConfigKeyNames.TextEquals(value, "none")) FvbCheckRestoreSelfTest = false;
                else return ConfigApplyResult.BadValue(which, "unknown write (none, restore-selftest)");
                return ConfigApplyResult.Applied(which);

            case ConfigKey.FlashWrite:
                if (ConfigKeyNames.TextEquals(value, "changed")) FlashWriteAllBlocks = false;
                else if (ConfigKeyNames.TextEquals(value, "all")) FlashWriteAllBlocks = true;
                else return ConfigApplyResult.BadValue(which, "unknown flash write (changed, all)");
                return ConfigApplyResult.Applied(which);

            case ConfigKey.TestFvbFault:
                if (!FvbTestFaultNames.TryParse(value, out FvbTestFault fault))
                    return ConfigApplyResult.BadValue(which, "unknown FVB call (none, open, get-block-size, get-attributes, get-physical-address)");
                TestFvbFault = fault;
                return ConfigApplyResult.Applied(which);

            case ConfigKey.LogLevel:
                if (ConfigKeyNames.TextEquals(value, "debug")) DebugLog = true;
                else if (ConfigKeyNames.TextEquals(value, "info")) DebugLog = false;
                else return ConfigApplyResult.BadValue(which, "unknown log level (info, debug)");
                return ConfigApplyResult.Applied(which);

            default:
                return new ConfigApplyResult(ConfigStatus.UnknownKey, ConfigKey.None, "unknown uefirecovery. key");
        }
    }

    /// <summary>
    /// Applies one <c>key=value</c> entry (an OEM string, a line of a file). An entry without '=' is
    /// a bad value of whatever key it names.
    /// </summary>
    public ConfigApplyResult TryApplyEntry(ReadOnlySpan<char> entry)
    {
        int equals = ConfigValueParser.IndexOf(entry, '=');

        if (equals < 0)
        {
            if (!ConfigKeyNames.StartsWith(entry, ConfigKeyNames.Prefix))
                return new ConfigApplyResult(ConfigStatus.NotOurs, ConfigKey.None, "not a uefirecovery. setting");
            ConfigKey named = ConfigKeyNames.Lookup(entry);
            return named == ConfigKey.None
                ? new ConfigApplyResult(ConfigStatus.UnknownKey, ConfigKey.None, "unknown uefirecovery. key")
                : NoteRejection(ConfigApplyResult.BadValue(named, "no '=' and value"));
        }

        return TryApply(entry.Slice(0, equals), entry.Slice(equals + 1));
    }

    /// <summary>
    /// Applies one entry from <paramref name="source"/> under the layering rule: the app applies its sources
    /// in rank order (<see cref="ConfigSourceRank"/>: the ones the OS cannot write first), so a key already
    /// set by a higher-ranked source is <see cref="ConfigStatus.Overridden"/>, and a single-valued key the
    /// same source already set is <see cref="ConfigStatus.Repeated"/>. Only an applied value claims the key:
    /// a rejected one leaves it to the next source (the fallback).
    /// </summary>
    /// <param name="osWritable">The source can be written by the running OS (a runtime-writable variable; the
    /// ESP file always is): <see cref="ConfigKeyNames.IsProtected"/> keys and <c>mode=recover</c> are then
    /// refused (<see cref="ConfigStatus.SourceNotTrusted"/>).</param>
    public ConfigApplyResult TryApplyFrom(ConfigSource source, ReadOnlySpan<char> entry, bool osWritable = false)
    {
        osWritable = ConfigSourceRank.IsOsWritable(source, osWritable);
        int equals = ConfigValueParser.IndexOf(entry, '=');
        ConfigKey which = equals < 0 ? ConfigKey.None : ConfigKeyNames.Lookup(entry.Slice(0, equals));
        if (which != ConfigKey.None && source != ConfigSource.None)
        {
            // Checked first: an OS-writable source naming a protected key is worth an error even when a higher source set it.
            string refusal = osWritable ? OsWritableRefusal(which, entry.Slice(equals + 1)) : "";
            if (refusal.Length != 0)
                return new ConfigApplyResult(ConfigStatus.SourceNotTrusted, which, refusal);
            ConfigSource owner = _sourceOf[(int)which];
            if (owner != ConfigSource.None)
            {
                int ownerRank = ConfigSourceRank.Of(owner, _setByOsWritable[(int)which]);
                int rank = ConfigSourceRank.Of(source, osWritable);
                if (ownerRank < rank)
                    return new ConfigApplyResult(ConfigStatus.Overridden, which, "set by a source of higher priority");
                if (ownerRank == rank && !ConfigKeyNames.IsMultiValued(which))
                    return NoteRejection(new ConfigApplyResult(ConfigStatus.Repeated, which, "key repeated in the same source; the first value stays"));
            }
        }

        ConfigApplyResult result = TryApplyEntry(entry);
        if (result.IsApplied && source != ConfigSource.None)
        {
            _sourceOf[(int)result.Key] = source;
            _setByOsWritable[(int)result.Key] = osWritable;
        }
        return result;
    }

    /// <summary>Why a source the OS can write may not give this entry; empty when it may.</summary>
    private static string OsWritableRefusal(ConfigKey key, ReadOnlySpan<char> value)
    {
        if (ConfigKeyNames.IsProtected(key))
            return "protected key: not taken from a source the OS can write";
        // A forced reflash of a valid region. Issue #13 will let the OS ask for it with an instruction the app verifies.
        if (key == ConfigKey.Mode && ConfigKeyNames.TextEquals(value, "recover"))
            return "mode=recover rewrites a valid region: not taken from a source the OS can write";
        // Writes to the BMC (its donor image among them) from a list on the OS-writable ESP: the platform's decision.
        if (key == ConfigKey.Mode && ConfigKeyNames.TextEquals(value, "stage-to-bmc"))
            return "mode=stage-to-bmc writes to the BMC: not taken from a source the OS can write";
        return "";
    }

    /// <summary>The source that set <paramref name="key"/>; <see cref="ConfigSource.None"/> while the default is in force.</summary>
    public ConfigSource SourceOf(ConfigKey key) => (int)key < KeyCount ? _sourceOf[(int)key] : ConfigSource.None;

    /// <summary>
    /// True when <paramref name="key"/> was set by a source the running OS cannot write: SMBIOS, the BMC or an EFI variable
    /// without RUNTIME_ACCESS. False for the default, the DHCP option (the LAN) and the OS-writable sources.
    /// </summary>
    public bool IsFromProtectedSource(ConfigKey key)
    {
        ConfigSource source = SourceOf(key);
        return source != ConfigSource.None && source != ConfigSource.Dhcp && !_setByOsWritable[(int)key];
    }

    /// <summary>
    /// The DHCP vendor option's manager (docs/netstack.md): used only when no earlier source set
    /// <c>uefirecovery.manager</c>. <paramref name="port"/> 0 means the default port.
    /// </summary>
    public bool TryApplyDhcpManager(uint address, ushort port)
    {
        if (_sourceOf[(int)ConfigKey.Manager] != ConfigSource.None || ConfigValueParser.UnicastProblem(address).Length != 0)
            return false;
        _managerAddresses[0] = address;
        _managerPorts[0] = port != 0 ? port : ProtocolConstants.DonorPort;
        ManagerCount = 1;
        _sourceOf[(int)ConfigKey.Manager] = ConfigSource.Dhcp;
        return true;
    }

    /// <summary>
    /// The region <c>uefirecovery.target</c> maps the configured image type to, <paramref name="builtInDefault"/> when no
    /// target is configured (see <see cref="RegionTargetMap.TrySelect"/>): the caller knows the platform, the config does not.
    /// </summary>
    public bool TrySelectRegion(in Firmware.RegionTarget builtInDefault, out Firmware.RegionTarget region, out ulong baseAddress, out string reason)
        => TargetMap.TrySelect(Target.ImageType, builtInDefault, out region, out baseAddress, out reason);

    /// <summary>
    /// Checks what only the combination of settings can show, once every source is applied: a
    /// gateway must be on the static subnet (RFC 1122 §3.3.1.1: a gateway is reachable directly), and
    /// <c>discovery=manager</c> needs a configured manager (a DHCP-provided one is learned too late to
    /// check here, and a machine told not to broadcast must not start without a destination).
    /// </summary>
    public bool TryValidate(out string reason)
    {
        if (!DiscoverByBroadcast && !HasManager)
        {
            reason = "discovery=manager needs uefirecovery.manager=ADDR[:PORT]";
            return false;
        }

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

    // Records a refused protected value (ProtectedKeyRejected); other results pass through unchanged.
    private ConfigApplyResult NoteRejection(ConfigApplyResult result)
    {
        bool refused = result.Status == ConfigStatus.BadValue || result.Status == ConfigStatus.Repeated;
        if (!refused || !ConfigKeyNames.IsProtected(result.Key))
            return result;
        if (ProtectedRejections == 0)
        {
            FirstRejectedProtectedKey = result.Key;
            FirstProtectedRejectionReason = result.Reason;
        }
        ProtectedRejections++;
        return result;
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
