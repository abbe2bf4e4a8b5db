namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// QEMU's isa-debug-exit device: a guest write of value v to its port ends QEMU with exit code
/// (v &lt;&lt; 1) | 1. So every debug exit is odd, and an even code (0) is an ordinary power-off.
/// Exit code 1 is ambiguous (v = 0, or QEMU's own startup error), which is why tests also require
/// a serial sentinel.
/// </summary>
public static class DebugExit
{
    public static int ExitCodeFor(int value) => (value << 1) | 1;

    public static bool TryDecode(int exitCode, out int value)
    {
        if (exitCode > 0 && (exitCode & 1) == 1)
        {
            value = exitCode >> 1;
            return true;
        }
        value = 0;
        return false;
    }
}
