using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

public sealed class DebugExitTests
{
    // QEMU hw/misc/debugexit.c: exit((val << 1) | 1).
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 3)]
    [InlineData(2, 5)]
    [InlineData(0x7F, 0xFF)]
    public void ExitCodeFor_Value_ShiftedAndOred(int value, int exitCode)
    {
        Assert.Equal(exitCode, DebugExit.ExitCodeFor(value));
        Assert.True(DebugExit.TryDecode(exitCode, out int decoded));
        Assert.Equal(value, decoded);
    }

    [Theory]
    [InlineData(0)]   // ordinary power-off / reset with -no-reboot
    [InlineData(2)]
    [InlineData(-1)]
    public void TryDecode_EvenOrNegative_NotADebugExit(int exitCode)
    {
        Assert.False(DebugExit.TryDecode(exitCode, out int value));
        Assert.Equal(0, value);
    }
}
