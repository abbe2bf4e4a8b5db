using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using UefiRecovery.Agent.Instructions;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Agent;

/// <summary>uefirecovery-agent: waits for a signed RECOVERY_INSTRUCTION and reboots the machine into recovery (docs/operating.md §8).</summary>
internal static class Program
{
    private const string Usage =
        "usage: uefirecovery-agent [--listen ADDR] [--port N] [--keys DIR] [--state DIR] [--esp NAME] [--esp-mount DIR] [--loader PATH]\n"
        + "                          [--manager ADDR[:PORT]]... [--efivars DIR] [--dmi DIR] [--net DIR] [--block DIR] [--dev DIR] [--no-reboot]\n"
        + "  --keys DIR     trusted instruction keys, *.pem (RSA-2048 public); default /etc/uefirecovery-agent/keys\n"
        + "  --state DIR    where the counters live; default /var/lib/uefirecovery-agent\n"
        + "  --esp NAME     kernel name of the ESP (vda1); default: the one GPT partition of type EFI system partition\n"
        + "  --esp-mount DIR where the ESP is mounted (the app's record of what it installed); default /boot/efi\n"
        + "  --loader PATH  the recovery app on the ESP; default \\EFI\\BOOT\\BOOTX64.EFI\n"
        + "  --port N       UDP port; default 40125\n"
        + "  --manager ADDR[:PORT] (up to 4) told at start which firmware runs here (inventory); port default 40123\n";

    public static int Main(string[] args)
    {
        if (!TryParse(args, out AgentOptions options, out string error))
        {
            Console.Error.WriteLine("uefirecovery-agent: " + error);
            Console.Error.Write(Usage);
            return 2;
        }
        if (!TryLoadKeys(options.KeyDirectory, out List<InstructionKey> keys, out error))
        {
            Console.Error.WriteLine("uefirecovery-agent: " + error);
            return 2;
        }
        TextWriter log = Console.Out;
        foreach (InstructionKey key in keys)
        {
            log.WriteLine("KEY " + key.Id + " " + key.Path);
        }
        var verifier = new InstructionVerifier(keys, new CounterStore(options.StateDirectory), TimeProvider.System);
        using var service = new AgentService(new IPEndPoint(options.Listen, options.Port), log);
        AgentStartup.Run(options, service, log);
        var handler = new InstructionHandler(options, verifier, service, new SystemRebooter(), log);
        log.WriteLine("LISTENING udp=" + service.LocalEndPoint + " efivars=" + options.EfivarsRoot + " state=" + options.StateDirectory);
        log.Flush();
        service.Run(handler);
        return 0;
    }

    internal static bool TryLoadKeys(string directory, out List<InstructionKey> keys, out string error)
    {
        keys = new List<InstructionKey>();
        error = "";
        if (!Directory.Exists(directory))
        {
            error = "key directory " + directory + " does not exist (install the manager's instruction key as *.pem there)";
            return false;
        }
        string[] files = Directory.GetFiles(directory, "*.pem");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            if (!InstructionKey.TryLoad(file, out InstructionKey? key, out error))
            {
                return false;
            }
            keys.Add(key!);
        }
        if (keys.Count == 0)
        {
            error = "no *.pem key in " + directory + ": without a trusted key no instruction can be taken";
            return false;
        }
        return true;
    }

    internal static bool TryParse(string[] args, out AgentOptions options, out string error)
    {
        options = new AgentOptions();
        error = "";
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name == "--no-reboot")
            {
                options.NoReboot = true;
                continue;
            }
            if (name == "--help" || name == "-h")
            {
                error = "help";
                return false;
            }
            if (i + 1 >= args.Length)
            {
                error = name + " needs a value";
                return false;
            }
            string value = args[++i];
            switch (name)
            {
                case "--listen":
                    if (!IPAddress.TryParse(value, out IPAddress? address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                    {
                        error = "--listen " + value + ": not an IPv4 address";
                        return false;
                    }
                    options.Listen = address;
                    break;
                case "--port":
                    if (!int.TryParse(value, out int port) || port < 1 || port > 65535)
                    {
                        error = "--port " + value + ": not a port 1..65535";
                        return false;
                    }
                    options.Port = port;
                    break;
                case "--manager":
                    if (!IPEndPoint.TryParse(value, out IPEndPoint? manager) || manager.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
                        || manager.Address.Equals(IPAddress.Any) || manager.Address.Equals(IPAddress.Broadcast))
                    {
                        error = "--manager " + value + ": not an IPv4 ADDR[:PORT] of one host";
                        return false;
                    }
                    if (options.Managers.Count == AgentOptions.MaxManagers)
                    {
                        error = "--manager: at most " + AgentOptions.MaxManagers;
                        return false;
                    }
                    options.Managers.Add(manager.Port == 0 ? new IPEndPoint(manager.Address, ProtocolConstants.DonorPort) : manager);
                    break;
                case "--keys": options.KeyDirectory = value; break;
                case "--state": options.StateDirectory = value; break;
                case "--efivars": options.EfivarsRoot = value; break;
                case "--dmi": options.DmiRoot = value; break;
                case "--net": options.NetRoot = value; break;
                case "--block": options.BlockRoot = value; break;
                case "--dev": options.DevRoot = value; break;
                case "--esp": options.EspName = value; break;
                case "--esp-mount": options.EspMount = value; break;
                case "--loader":
                    if (!value.StartsWith('\\') || value.Contains('/'))
                    {
                        error = "--loader " + value + ": an ESP path with backslashes, like \\EFI\\BOOT\\BOOTX64.EFI";
                        return false;
                    }
                    options.LoaderPath = value;
                    break;
                default:
                    error = "unknown option " + name;
                    return false;
            }
        }
        return true;
    }
}
