using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// Damages the VM's firmware region the way an interrupted recovery leaves it, with the same definition
/// the qemu-tests use (testbed's <see cref="InterruptedRecovery"/>): the ESP marker says in-progress and
/// 4 KiB of the FTW spare area hold garbage. Headers are NOT damaged: OVMF 2022.11 faults before the boot
/// manager on a broken FV or variable-store header, so no app could ever run on it (docs/firmware-regions.md).
/// </summary>
public sealed class CorruptRegionStep : IDemoStep
{
    public string Title => "Corrupt the VM's firmware region (an interrupted reflash)";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        DemoPlatform platform = context.Platform;
        // The whole flash the machine starts from: the payload itself (OVMF), or the flash AAVMF formatted (its region is the payload).
        string flashPath = context.Recovery.FlashTemplatePath ?? context.Recovery.PayloadPath!;
        byte[] flash = File.ReadAllBytes(flashPath);
        if (flash.Length < platform.SpareGarbageOffset + InterruptedRecovery.GarbageLength)
        {
            return Task.FromResult(StepResult.Failed($"{flashPath} is only {flash.Length} bytes"));
        }
        string damaged = Path.Combine(context.RunDirectory, "corrupted-vars.fd");
        File.WriteAllBytes(damaged, platform.DamageRegion(flash));
        EspImage esp = new EspBuilder()
            .WithBootApplication(context.EfiAppPath!, platform.Arch.EspBootPath)
            .WithInProgressMarker()
            .BuildFatImage(Path.Combine(context.RunDirectory, "esp.img"));
        context.Recovery.DamagedVarsPath = damaged;
        context.Recovery.EspImagePath = esp.ImagePath;
        int offset = platform.SpareGarbageOffset;
        Console.WriteLine($"   flash: {InterruptedRecovery.GarbageLength} bytes of garbage at 0x{offset:X} (FTW spare area) -> {damaged}");
        Console.WriteLine($"   ESP (FAT image {esp.ImagePath}): \\{platform.Arch.EspBootPath.Replace('/', '\\')} + \\{InterruptedRecovery.MarkerPath} = \"{InterruptedRecovery.MarkerInProgress.TrimEnd()}\"");
        Console.WriteLine("   why not the headers: OVMF faults before the boot manager on a damaged FV/variable-store header,");
        Console.WriteLine("   so no recovery app could run; this is the damage a machine can meet and the validity rule detects.");
        return Task.FromResult(StepResult.Ok("region = payload with an unfinished block, marker in-progress: the app must judge it invalid"));
    }
}
