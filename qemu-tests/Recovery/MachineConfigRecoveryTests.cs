using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The fleet path of docs/operating.md §9: a machine configured with nothing but what <c>image machine-config</c> printed
/// for the manager's capsule and key (plus the lab's static address and the test exit) recovers from that manager.
/// </summary>
public sealed class MachineConfigRecoveryTests
{
    private readonly ITestOutputHelper _output;

    public MachineConfigRecoveryTests(ITestOutputHelper output) => _output = output;

    [RootFact]
    public async Task Recover_SettingsFromMachineConfig_VarsEqualPayload()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("e2e-machine-config");
        string capsule = Directory.GetFiles(files.Images, "*.cap").Single();
        string publicKey = Path.Combine(RecoveryManager.SharedDir, "vectors", "edk2-capsules", "keys", "edk2-rsa2048-test", "TestSigningPublicKey.pem");
        string[] settings = await RecoveryManager.MachineConfigAsync(capsule, publicKey, "--manager", E2eRecoveryLab.Listen);
        _output.WriteLine(string.Join("\n", settings));
        Assert.Equal(new[] { "uefirecovery.mode=auto", "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash }, settings[..2]);

        using E2eSegment segment = E2eSegment.Create("mcfg");
        using NamespaceProcess manager = await RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(files.Images, files.Results, gatherSeconds: 1));
        string[] oemStrings = settings.Concat(new[] { EfiAppConsole.DebugExitOemString, $"uefirecovery.ip={E2eRecoveryLab.MachineAddress}/24" }).ToArray();
        QemuMachine machine = segment.Machine(files.Boot("1-recover"), files.BuildEsp(), oemStrings, E2eRecoveryLab.MachineTimeout, files.InterruptedVarsPath);
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(files.RunDirectory, manager);

        foreach (string setting in settings)
        {
            BootAssert.NotNull(serial.Find(new Regex("^CONFIG " + Regex.Escape(setting["uefirecovery.".Length..]) + " source=smbios$")), exit, "the setting " + setting + " applied");
        }
        E2eRecoveryLab.AssertRecovered(exit, serial, files.Payload, files.Results, managerOutput);
    }
}
