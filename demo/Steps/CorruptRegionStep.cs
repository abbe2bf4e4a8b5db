using System;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using UefiRecovery.Testbed.Esp;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// Damages the VM's firmware region the way an interrupted recovery leaves it (as qemu-tests'
/// RecoveryEndToEndTests do; copied here because demo may not depend on test code): the ESP marker says
/// in-progress and 4 KiB of the FTW spare area hold garbage. Headers are NOT damaged: OVMF 2022.11 faults
/// before the boot manager on a broken FV or variable-store header, so no app could ever run on it
/// (docs/firmware-regions.md).
/// </summary>
public sealed class CorruptRegionStep : IDemoStep
{
    private const int GarbageOffset = 0x60000;
    private const int GarbageLength = 0x1000;

    /// <summary>efi-app/src/Firmware/EspMarkerStore.cs: the marker an interrupted write leaves on the ESP.</summary>
    private const string MarkerPath = "UEFIRECOVERY-NV.MARKER";
    private const string MarkerInProgress = "UEFIRECOVERY-NV-MARKER v1 INPRG\n";

    public string Title => "Corrupt the VM's firmware region (an interrupted reflash)";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        byte[] vars = File.ReadAllBytes(context.Recovery.PayloadPath!);
        if (vars.Length < GarbageOffset + GarbageLength)
        {
            return Task.FromResult(StepResult.Failed($"{context.Recovery.PayloadPath} is only {vars.Length} bytes"));
        }
        for (int i = 0; i < GarbageLength; i++)
        {
            vars[GarbageOffset + i] = (byte)(0xA5 ^ i);
        }
        string damaged = Path.Combine(context.RunDirectory, "corrupted-vars.fd");
        File.WriteAllBytes(damaged, vars);
        EspImage esp = new EspBuilder()
            .WithBootApplication(context.EfiAppPath!)
            .WithFile(MarkerPath, Encoding.ASCII.GetBytes(MarkerInProgress))
            .BuildFatImage(Path.Combine(context.RunDirectory, "esp.img"));
        context.Recovery.DamagedVarsPath = damaged;
        context.Recovery.EspImagePath = Path.Combine(context.RunDirectory, "esp.img");
        Console.WriteLine($"   flash: {GarbageLength} bytes of garbage at 0x{GarbageOffset:X} (FTW spare area, block {GarbageOffset / 4096}) -> {damaged}");
        Console.WriteLine($"   ESP (FAT image {context.Recovery.EspImagePath}): \\EFI\\BOOT\\BOOTX64.EFI + \\{MarkerPath} = \"{MarkerInProgress.TrimEnd()}\"");
        Console.WriteLine("   why not the headers: OVMF faults before the boot manager on a damaged FV/variable-store header,");
        Console.WriteLine("   so no recovery app could run; this is the damage a machine can meet and the validity rule detects.");
        return Task.FromResult(StepResult.Ok("region = payload with an unfinished block, marker in-progress: the app must judge it invalid"));
    }
}
