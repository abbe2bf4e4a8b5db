using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Bmc;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using static UefiRecovery.QemuTests.Bmc.BmcBootAssert;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The app's KCS client against a BMC this project did not write: OpenIPMI's ipmi_sim behind QEMU's real KCS model
/// (issue #14: ipmi_sim cannot hold the recovery parameter, so it is the "BMC without the parameter" case too).
/// Get Device ID must come back with the values ipmi_sim was configured with, the parameter as not available, the
/// boot flags' completion code named, and the other sources stand.
/// </summary>
public sealed class OpenIpmiCrossCheckTests
{
    [Fact]
    public async Task Boot_OpenIpmiSim_DeviceIdReadParameterAbsentOtherSourcesStand()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("bmc-openipmi");
        using OpenIpmiSimulator bmc = OpenIpmiSimulator.Start(runDirectory);

        AppBootResult boot = await AppBoot.Machine(runDirectory,
                new[] { "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString },
                new AppBootSetup { QemuArguments = bmc.QemuArguments() })
            .RunToExitAsync();

        // Device 42h, firmware 5.17, manufacturer 1291h = 4753: what ipmi-sim.emu's mc_add says.
        Find(boot, @"^CONFIG source=bmc kcs=0xCA2 device=0x42 firmware=5\.17 ipmi=\d\.\d manufacturer=4753$");
        Find(boot, @"^CONFIG source=bmc status=no-parameter parameter=0xC0 cc=(invalid-command|parameter-not-supported)$");
        // ipmi_sim answers boot flags CCh unless a chassis control program is configured (OpenIPMI lanserv/bmc_chassis.c).
        Find(boot, @"^CONFIG source=bmc boot-flags=unread cc=invalid-data-field kcs-bytes=\d+ kcs-polls=\d+ retried=0$");
        DoneWithSmbiosMode(boot);
    }
}
