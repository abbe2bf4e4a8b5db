using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Firmware;

/// <summary>
/// Pins down what OVMF 2022.11 does with a damaged NV region, which decides what the recovery can do
/// (docs/firmware-regions.md): with an invalid variable store header, or an invalid FV header (which OVMF
/// re-initialises, leaving the store header erased), OVMF faults (#GP) before the boot manager, so no
/// boot option (and no recovery app) ever runs. If a later OVMF boots such a region, these tests fail and
/// the docs must change: then fvbcheck's verdict=invalid is reachable in OVMF for these corruptions.
/// </summary>
public sealed class CorruptedStoreBootTests
{
    private static readonly Regex CpuException = new(@"^!!!! X64 Exception Type - ");

    [Theory]
    // offset in the vars file, new byte: 0x48 = VARIABLE_STORE_HEADER.Signature[0]; 0x32 = FV header Checksum low byte.
    [InlineData(0x48, 0x00, "store-signature")]
    [InlineData(0x32, 0x00, "fv-checksum")]
    public async Task Boot_DamagedNvHeader_OvmfFaultsBeforeTheApp(int offset, byte value, string label)
    {
        string runDirectory = TestEnvironment.NewRunDirectory("nv-damaged-" + label);
        byte[] vars = PristineVars.Read();
        vars[offset] = value;
        string template = Path.Combine(runDirectory, "damaged-template.fd");
        File.WriteAllBytes(template, vars);
        EspFolder esp = new EspBuilder().WithBootApplication(EfiAppBinary.Require()).BuildFolder(Path.Combine(runDirectory, "esp"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            OemStrings = new[] { FirmwareBoot.FvbCheckMode, EfiAppConsole.DebugExitOemString },
            Timeout = AppBoot.DefaultTimeout,
            VarsTemplatePath = template,
        });

        await using QemuRun run = machine.Start();
        // OVMF hangs after the exception dump; the line is the event to wait for, then the run is ended.
        SerialLine? exception = await run.Serial.WaitForLineAsync(CpuException, AppBoot.DefaultTimeout);
        QemuExit exit = await run.KillAsync();

        BootAssert.NotNull(exception, exit, "OVMF's CPU exception dump");
        BootAssert.True(run.Serial.Find(EfiAppConsole.Banner) == null, exit, "the app's banner (the app ran)");
        BootAssert.True(run.Serial.Find(new Regex("^BdsDxe: ")) == null, exit, "a boot-manager line");
    }
}
