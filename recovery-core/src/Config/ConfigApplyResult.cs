namespace UefiRecovery.Core.Config;

/// <summary>
/// What <see cref="RecoveryConfig.TryApply"/> did: the status, the key it concerned, and for a
/// rejection a short fixed reason ("octet above 255") that the app prints next to the key.
/// </summary>
public readonly struct ConfigApplyResult
{
    public ConfigApplyResult(ConfigStatus status, ConfigKey key, string reason)
    {
        Status = status;
        Key = key;
        Reason = reason;
    }

    public ConfigStatus Status { get; }

    public ConfigKey Key { get; }

    /// <summary>Empty when applied; otherwise why not (a literal, never built at run time).</summary>
    public string Reason { get; }

    public bool IsApplied => Status == ConfigStatus.Applied;

    public static ConfigApplyResult Applied(ConfigKey key) => new ConfigApplyResult(ConfigStatus.Applied, key, "");

    public static ConfigApplyResult BadValue(ConfigKey key, string reason) => new ConfigApplyResult(ConfigStatus.BadValue, key, reason);
}
