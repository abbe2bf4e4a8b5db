using System;
using System.Collections.Generic;
using System.Globalization;

namespace UefiRecovery.Demo;

/// <summary>Command-line options: few on purpose, the defaults are the demo.</summary>
public sealed class DemoOptions
{
    public TimeSpan Timeout { get; private set; } = TimeSpan.FromMinutes(3);

    /// <summary>Extra SMBIOS OEM strings for the app (e.g. uefirecovery.mode=selftest).</summary>
    public List<string> OemStrings { get; } = new();

    public bool ShowHelp { get; private set; }

    /// <summary>Only boot the app without network (the demo's first version) instead of the recovery.</summary>
    public bool BootOnly { get; private set; }

    /// <summary>Use QEMU user-mode networking even as root (shows the non-root path).</summary>
    public bool UserModeNetwork { get; private set; }

    /// <summary>The second scenario: a running Linux's agent is instructed by the manager and the machine recovers (issue #13).</summary>
    public bool ManagerInitiated { get; private set; }

    /// <summary>--arch: the machine's architecture (x64: OVMF, BOOTX64.EFI; arm64: AAVMF, BOOTAA64.EFI).</summary>
    public UefiRecovery.Testbed.Qemu.QemuArch Arch { get; private set; } = UefiRecovery.Testbed.Qemu.QemuArch.X64;

    private bool _timeoutGiven;

    /// <summary>Hard limit for the recovering VM: --timeout when given, else 15 minutes (TCG on a busy host).</summary>
    public TimeSpan RecoveryTimeout => _timeoutGiven ? Timeout : TimeSpan.FromMinutes(15);

    public const string Usage =
        "Usage: dotnet run --project demo/Demo.csproj -c Release [-- options]\n" +
        "  --timeout <seconds>   kill QEMU after this long (default 180 for --boot-only, 900 for the recovery)\n" +
        "  --user-net            use QEMU user-mode networking + unicast even as root (the non-root path)\n" +
        "  --boot-only           only boot the app without network and show its console\n" +
        "  --manager-initiated   the second scenario (root only): Linux runs, the manager's `instruct` makes its agent\n" +
        "                        reboot into the app, which recovers and resets, and Linux reports the new version\n" +
        "  --arch x64|arm64      the machine: x64 (OVMF, BOOTX64.EFI; the default) or arm64 (AAVMF, BOOTAA64.EFI)\n" +
        "  --oem <key=value>     with --boot-only: add an SMBIOS OEM string for the app (repeatable)\n" +
        "  --help                show this text";

    public static bool TryParse(string[] args, out DemoOptions options, out string error)
    {
        options = new DemoOptions();
        error = "";
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            bool hasValue = i + 1 < args.Length;
            switch (arg)
            {
                case "--help" or "-h":
                    options.ShowHelp = true;
                    break;
                case "--boot-only":
                    options.BootOnly = true;
                    break;
                case "--user-net":
                    options.UserModeNetwork = true;
                    break;
                case "--manager-initiated":
                    options.ManagerInitiated = true;
                    break;
                case "--timeout" when hasValue && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds > 0:
                    options.Timeout = TimeSpan.FromSeconds(seconds);
                    options._timeoutGiven = true;
                    i++;
                    break;
                case "--arch" when hasValue && args[i + 1] is "x64" or "arm64":
                    options.Arch = UefiRecovery.Testbed.Qemu.QemuArch.Parse(args[i + 1]);
                    i++;
                    break;
                case "--oem" when hasValue && args[i + 1].Contains('='):
                    options.OemStrings.Add(args[i + 1]);
                    i++;
                    break;
                default:
                    error = "Unknown or incomplete option: " + arg;
                    return false;
            }
        }
        if (options.ManagerInitiated && options.Arch != UefiRecovery.Testbed.Qemu.QemuArch.X64)
        {
            error = "--manager-initiated runs on x64 only (its Linux guest and agent are x86-64)";
            return false;
        }
        if (options.ManagerInitiated && (options.BootOnly || options.UserModeNetwork || options.OemStrings.Count > 0))
        {
            error = "--manager-initiated takes no --boot-only, --user-net or --oem: it needs the namespace network and sets its own OEM strings";
            return false;
        }
        return true;
    }
}
