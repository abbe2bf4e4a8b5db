using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Agent;

/// <summary>Everything the agent reads from the command line. Every path is configurable so tests use temporary directories.</summary>
internal sealed class AgentOptions
{
    public IPAddress Listen { get; set; } = IPAddress.Any;
    public int Port { get; set; } = ProtocolConstants.AgentPort;

    /// <summary>Directory of trusted instruction keys (*.pem, RSA-2048 public keys).</summary>
    public string KeyDirectory { get; set; } = "/etc/uefirecovery-agent/keys";

    public string StateDirectory { get; set; } = "/var/lib/uefirecovery-agent";
    public string EfivarsRoot { get; set; } = "/sys/firmware/efi/efivars";
    public string DmiRoot { get; set; } = "/sys/class/dmi/id";
    public string NetRoot { get; set; } = "/sys/class/net";
    public string BlockRoot { get; set; } = "/sys/block";
    public string DevRoot { get; set; } = "/dev";

    /// <summary>Kernel name of the ESP (vda1); null: the one partition of GPT type "EFI system partition".</summary>
    public string? EspName { get; set; }

    /// <summary>Where the ESP is mounted: the app's record of what it installed is read there.</summary>
    public string EspMount { get; set; } = "/boot/efi";

    /// <summary>The recovery app on the ESP, as the File() node names it.</summary>
    public string LoaderPath { get; set; } = @"\EFI\BOOT\BOOTX64.EFI";

    /// <summary>Managers told at start which firmware runs here (AGENT_REPORT running, instruction id 0), up to 4.</summary>
    public List<IPEndPoint> Managers { get; } = new();

    public const int MaxManagers = 4;

    /// <summary>Do everything but the reboot (for a dry run on a real machine).</summary>
    public bool NoReboot { get; set; }
}
