namespace UefiRecovery.Core.Config;

/// <summary>Outcome of applying one key=value setting.</summary>
public enum ConfigStatus : byte
{
    /// <summary>The value was valid and replaced the previous one.</summary>
    Applied = 0,

    /// <summary>The key starts with <c>uefirecovery.</c> but is not one this version knows. Nothing changed.</summary>
    UnknownKey,

    /// <summary>The key is known, the value is not acceptable. Nothing changed.</summary>
    BadValue,

    /// <summary>A <c>uefirecovery.</c> key another settings class owns (<see cref="RecoveryTargetConfig"/>). Nothing changed.</summary>
    OtherSection,

    /// <summary>The text is not a <c>uefirecovery.</c> setting at all (another tool's OEM string). Nothing changed.</summary>
    NotOurs,
}
