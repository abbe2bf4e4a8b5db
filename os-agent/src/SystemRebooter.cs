using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace UefiRecovery.Agent;

/// <summary>
/// The real reboot: under systemd <c>systemctl reboot</c> (services stop, file systems unmount), elsewhere (an
/// initramfs, busybox init) sync(2) and reboot(2) with LINUX_REBOOT_CMD_RESTART.
/// </summary>
internal sealed class SystemRebooter : IRebooter
{
    private const int LinuxRebootCmdRestart = 0x01234567;

    public bool TryReboot(out string error)
    {
        error = "";
        if (Directory.Exists("/run/systemd/system"))
        {
            using Process? process = Process.Start(new ProcessStartInfo("systemctl", "reboot") { UseShellExecute = false });
            if (process == null)
            {
                error = "systemctl reboot did not start";
                return false;
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                error = "systemctl reboot exited " + process.ExitCode;
                return false;
            }
            return true;
        }
        Libc.Sync();
        if (Libc.Reboot(LinuxRebootCmdRestart) != 0)
        {
            error = "reboot(2): " + Marshal.GetLastPInvokeErrorMessage();
            return false;
        }
        return true;
    }
}
