using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>One finished boot of the real EFI app: its exit and its console lines.</summary>
public sealed record AppBootResult(QemuExit Exit, SerialLog Serial);

/// <summary>Boots the real BOOTX64.EFI from a fresh ESP folder, with no NIC, until QEMU ends or the timeout.</summary>
public static class AppBoot
{
    /// <summary>Generous: OVMF under TCG on a loaded 2-core host can take over 30 s to reach the app.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static async Task<AppBootResult> RunAsync(string label, IReadOnlyList<string> oemStrings, TimeSpan? timeout = null)
    {
        string runDirectory = TestEnvironment.NewRunDirectory(label);
        EspFolder esp = new EspBuilder()
            .WithBootApplication(EfiAppBinary.Require())
            .BuildFolder(Path.Combine(runDirectory, "esp"));
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = runDirectory,
            OemStrings = oemStrings,
            Timeout = timeout ?? DefaultTimeout,
        });
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        return new AppBootResult(exit, run.Serial);
    }
}
