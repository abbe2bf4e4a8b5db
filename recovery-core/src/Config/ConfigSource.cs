namespace UefiRecovery.Core.Config;

/// <summary>
/// Where a setting came from (issue #6). The precedence is <see cref="ConfigSourceRank"/>: this order, except
/// that a source the running OS can write (the ESP file, a variable with RUNTIME_ACCESS) ranks below every
/// source it cannot (issue #10). The app applies the sources in rank order and the first one that sets a
/// key keeps it (<see cref="RecoveryConfig.TryApplyFrom"/>).
/// </summary>
public enum ConfigSource : byte
{
    /// <summary>Not set by any source: the built-in default is in force.</summary>
    None = 0,

    /// <summary>The EFI variable <c>UefiRecoveryConfig</c> (docs/config.md).</summary>
    EfiVariable = 1,

    /// <summary>The file <c>uefirecovery.cfg</c> next to the app on the ESP: always OS-writable.</summary>
    EspFile = 2,

    /// <summary>SMBIOS type 11 OEM strings (BMC, hypervisor).</summary>
    Smbios = 3,

    /// <summary>
    /// The BMC over IPMI KCS (issue #14, docs/bmc.md): the text lines of Get System Info Parameters OEM parameter C0h.
    /// Protected like SMBIOS only if the BMC refuses Set System Info Parameters for C0h from the host's own
    /// system interface (the platform's duty, docs/bmc.md); ranked right after SMBIOS.
    /// </summary>
    Bmc = 4,

    /// <summary>The DHCP vendor option (manager address and port only), learned when the network is up.</summary>
    Dhcp = 5,
}
