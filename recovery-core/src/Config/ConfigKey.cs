namespace UefiRecovery.Core.Config;

/// <summary>The settings <see cref="RecoveryConfig"/> knows; names in <see cref="ConfigKeyNames"/>.</summary>
public enum ConfigKey : byte
{
    None = 0,
    Mode,
    DebugExit,
    SelfTestFailFast,
    Ip,
    Gateway,
    Manager,
    NetDiagTimeout,
    Discovery,
    TrustRsa2048,
    ImageType,
    LowestSupportedVersion,
    NextLoader,
    FvbCheckFileSystem,
    FvbCheckWrite,
    Target,
    LogLevel,
    TrustX509,
    RequestBackoffTimeout,
    RecoveryTimeout,
    FlashWrite,
    TestFvbFault,
    /// <summary>uefirecovery.trust.manager: SHA-256 of a manager signing key; only offers it signs are taken (docs/protocol.md §6.8).</summary>
    TrustManager,
    /// <summary>uefirecovery.trust.instruction: SHA-256 of a manager's instruction key; only instructions it signs make the app recover a valid region (docs/protocol.md §4.11).</summary>
    TrustInstruction,
    /// <summary>uefirecovery.instruction: the id of the instruction the OS agent took (informational; the signed UefiRecoveryInstruction variable is what counts).</summary>
    Instruction,
    /// <summary>uefirecovery.source: donors or file:\path, repeated: where recovery looks for an image, in order (issue #18).</summary>
    Source,
    /// <summary>uefirecovery.timeout.volume-wait: seconds the file sources wait for a volume to arrive (a stick plugged in later) when no donors follow them.</summary>
    VolumeWaitTimeout,
    /// <summary>uefirecovery.bmc-stage: off (default) or after-recovery: whether a verified recovery hands the stage list's files to the BMC (docs/bmc.md).</summary>
    BmcStage,
}
