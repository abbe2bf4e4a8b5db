using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Bmc;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using static UefiRecovery.QemuTests.Bmc.BmcBootAssert;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The BMC as a configuration source (issue #14, docs/bmc.md) through QEMU's real KCS model (<c>isa-ipmi-kcs</c>
/// behind <c>ipmi-bmc-extern</c>) and the test BMC (<see cref="BmcSimulator"/>): OEM parameter C0h's lines applied
/// as <c>source=bmc</c> below SMBIOS; no IPMI device, or a BMC without the parameter, said in one line and the
/// other sources stand. Each boot runs fvbcheck (fast, no NIC) with the debug exit.
/// </summary>
public sealed class BmcConfigBootTests
{
    private static readonly string[] OemStrings =
    {
        "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString, "uefirecovery.netdiag.timeout=5",
    };

    private readonly ITestOutputHelper _output;

    public BmcConfigBootTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Boot_BmcHasParameter_LinesAppliedAsBmcBelowSmbios()
    {
        var responder = BmcResponder.WithSettings(new[]
        {
            "uefirecovery.manager=10.0.0.7:40123", "uefirecovery.manager=10.0.0.8", "uefirecovery.netdiag.timeout=9",
            "uefirecovery.mode=netdiag",
        });
        responder.BootFlags = new byte[] { 0x80, 0x10, 0x00, 0x00, 0x00 };
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        AppBootResult boot = await AppBoot.RunAsync("bmc-config", OemStrings, new AppBootSetup { QemuArguments = bmc.QemuArguments() });

        Find(boot, @"^CONFIG source=bmc kcs=0xCA2 device=0x20 firmware=1\.00 ipmi=2\.0 manufacturer=343$");
        Find(boot, @"^CONFIG source=bmc status=read parameter=0xC0 bytes=" + responder.RecoveryText!.Length + "$");
        Find(boot, @"^CONFIG manager=10\.0\.0\.7:40123 source=bmc$");
        Find(boot, @"^CONFIG manager=10\.0\.0\.8 source=bmc$");
        Find(boot, @"^CONFIG overridden netdiag\.timeout=9 source=bmc by=smbios$");
        Find(boot, @"^CONFIG overridden mode=netdiag source=bmc by=smbios$");
        Find(boot, @"^CONFIG source=bmc boot-flags=recovery-requested kcs-bytes=\d+ kcs-polls=\d+ retried=0$");
        DoneWithSmbiosMode(boot);
        BmcThroughput.Report(_output, bmc, boot);
    }

    [Fact]
    public async Task Boot_NoIpmiDevice_AbsentLineOtherSourcesStand()
    {
        AppBootResult boot = await AppBoot.RunAsync("bmc-absent", OemStrings);

        Find(boot, @"^CONFIG source=bmc status=absent reason=""no SMBIOS type 38 IPMI device""$");
        NothingFromBmc(boot, "a setting credited to an absent BMC");
        DoneWithSmbiosMode(boot);
    }

    [Fact]
    public async Task Boot_BmcWithoutParameter_NoParameterLineOtherSourcesStand()
    {
        await using BmcSimulator bmc = BmcSimulator.StartTcp(new BmcResponder());

        AppBootResult boot = await AppBoot.RunAsync("bmc-no-parameter", OemStrings, new AppBootSetup { QemuArguments = bmc.QemuArguments() });

        Find(boot, @"^CONFIG source=bmc kcs=0xCA2 device=0x20 ");
        Find(boot, @"^CONFIG source=bmc status=no-parameter parameter=0xC0 cc=parameter-not-supported$");
        Find(boot, @"^CONFIG source=bmc boot-flags=none ");
        NothingFromBmc(boot, "a setting credited to a BMC without the parameter");
        DoneWithSmbiosMode(boot);
        Assert.Contains(bmc.Requests, r => r.NetFn == 0x06 && r.Command == 0x59 && r.Data[1] == 0xC0);
    }

    [Fact]
    public async Task Boot_BmcDropsFirstAnswersBusyNext_CommandRetriedParameterStillRead()
    {
        // A dropped request is answered by QEMU's model itself with C3h (timeout) after 4 s of virtual time; a busy
        // BMC answers C0h. The app sends the command again (twice at most) and then reads the parameter.
        var responder = BmcResponder.WithSettings(new[] { "uefirecovery.manager=10.0.0.7:40123" });
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        bmc.DropNext(1);
        bmc.BusyNext(1);

        AppBootResult boot = await AppBoot.RunAsync("bmc-drop", OemStrings, new AppBootSetup { QemuArguments = bmc.QemuArguments() });

        Find(boot, @"^CONFIG manager=10\.0\.0\.7:40123 source=bmc$");
        Find(boot, @"^CONFIG source=bmc boot-flags=none kcs-bytes=\d+ kcs-polls=\d+ retried=2$");
        DoneWithSmbiosMode(boot);
        BmcRequest[] first = bmc.Requests.Take(3).ToArray();
        Assert.All(first, r => Assert.Equal((0x06, 0x01), (r.NetFn, r.Command)));
    }

    [Fact]
    public async Task Boot_BmcNeverAnswers_NoAnswerLineNamedTimeout()
    {
        await using BmcSimulator bmc = BmcSimulator.StartTcp(BmcResponder.WithSettings(new[] { "uefirecovery.manager=10.0.0.7:40123" }));
        bmc.DropNext(int.MaxValue);

        AppBootResult boot = await AppBoot.RunAsync("bmc-silent", OemStrings, new AppBootSetup { QemuArguments = bmc.QemuArguments() });

        // Each command ends in QEMU's own C3h after 4 s of virtual time: the app's 6 s answer budget outlasts it,
        // so no attempt is aborted while QEMU's model still waits for its BMC, on an idle host or a busy one.
        Find(boot, @"^CONFIG source=bmc status=no-answer kcs=0xCA2 transfer=ok kcs-error=no-error cc=timeout$");
        NothingFromBmc(boot, "a setting taken from a BMC that never answered");
        DoneWithSmbiosMode(boot);
        // Three commands (the first and two retries after C3h), each in one KCS attempt; every one reached the BMC.
        Assert.Equal(3, bmc.Requests.Count);
        Assert.All(bmc.Requests, r => Assert.Equal((0x06, 0x01), (r.NetFn, r.Command)));
    }
}
