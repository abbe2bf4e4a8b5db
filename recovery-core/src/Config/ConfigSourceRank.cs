namespace UefiRecovery.Core.Config;

/// <summary>
/// The precedence of the sources (docs/config.md): a source the running OS cannot write ranks above every
/// source it can, so the OS can neither replace what the platform set nor switch off the recovery the
/// platform asked for. Lower ranks win: the EFI variable without RUNTIME_ACCESS, SMBIOS, the BMC, the DHCP option,
/// then the EFI variable with RUNTIME_ACCESS, then the ESP file.
/// </summary>
public static class ConfigSourceRank
{
    /// <summary>Added to an OS-writable source's rank: below every source the OS cannot write.</summary>
    private const int OsWritable = 8;

    public static int Of(ConfigSource source, bool osWritable) => osWritable ? OsWritable + (int)source : (int)source;

    /// <summary>The ESP is writable by the running OS whatever a caller says; the variable depends on its attributes.</summary>
    public static bool IsOsWritable(ConfigSource source, bool osWritable) => osWritable || source == ConfigSource.EspFile;
}
