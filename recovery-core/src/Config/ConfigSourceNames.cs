namespace UefiRecovery.Core.Config;

/// <summary>The names printed in <c>CONFIG ... source=&lt;name&gt;</c> lines.</summary>
public static class ConfigSourceNames
{
    public static string Name(ConfigSource source) => source switch
    {
        ConfigSource.EfiVariable => "efi-variable",
        ConfigSource.EspFile => "esp-file",
        ConfigSource.Smbios => "smbios",
        ConfigSource.Bmc => "bmc",
        ConfigSource.Dhcp => "dhcp",
        _ => "default",
    };
}
