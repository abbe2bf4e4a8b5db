using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Bmc;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The manager address from the BMC (issue #14, seed 000 claim 19) end to end: the machine's OEM strings carry
/// everything but <c>uefirecovery.manager</c> and ask for <c>discovery=manager</c> (no broadcast REQUEST, and
/// without a manager recovery would stop with reason=config), the test BMC behind QEMU's KCS model gives the
/// manager in OEM parameter C0h, and the real manager on <see cref="E2eSegment"/> recovers the interrupted region.
/// The BMC listens on a Unix socket: QEMU runs inside the segment's namespace, where the host's 127.0.0.1 is not.
/// </summary>
public sealed class BmcManagerRecoveryTests
{
    private const string NamespacePrefix = "bmc";
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(15);

    private readonly ITestOutputHelper _output;

    public BmcManagerRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_ManagerOnlyFromBmcDiscoveryManager_ConfigSourceBmcVarsEqualPayload()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("bmc-recover");
        EspImage esp = files.BuildEsp();
        string socket = Path.Combine(Path.GetTempPath(), "bmc-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        await using BmcSimulator bmc = BmcSimulator.StartUnix(
            BmcResponder.WithSettings(new[] { "uefirecovery.manager=" + E2eRecoveryLab.Listen }), socket);

        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace,
            E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: null) with { Name = "bmc-test" });
        string[] oemStrings = E2eRecoveryLab.MachineOemStrings("auto", E2eRecoveryLab.MachineAddress)
            .Where(s => !s.StartsWith("uefirecovery.manager=", StringComparison.Ordinal))
            .Append("uefirecovery.discovery=manager").ToArray();
        QemuMachine machine = segment.Machine(files.Boot("1-recover"), esp, oemStrings, RecoveryTimeout, files.InterruptedVarsPath,
            extraArguments: bmc.QemuArguments());

        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string managerOutput = "\nmanager:\n" + manager.Output;
        File.Delete(socket);

        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG source=bmc status=read parameter=0xC0 bytes=\d+$")), exit, "the BMC's parameter read");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG manager=10\.216\.0\.1:40123 source=bmc$")), exit, "the manager credited to the BMC");
        BootAssert.NotNull(serial.Find(new Regex(@"^CONFIG discovery=manager source=smbios$")), exit, "discovery=manager from SMBIOS");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY OFFER donor=10\.216\.0\.1:40123 ")), exit, "the BMC-named manager's offer" + managerOutput);
        E2eRecoveryLab.AssertRecovered(exit, serial, files.Payload, files.Results, managerOutput);
        BmcThroughput.Report(_output, bmc, new AppBootResult(exit, serial));
    }
}
