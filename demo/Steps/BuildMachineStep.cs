using System;
using System.IO;
using System.Threading.Tasks;
using UefiRecovery.Demo.ManagerInitiated;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Guest;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Demo.Steps;

/// <summary>
/// The machine: a GPT disk whose ESP holds the app (\EFI\BOOT\BOOTX64.EFI) and Linux (\EFI\Linux\vmlinuz.efi, initrd),
/// and Debian's pristine variable store with Boot0000 → Linux first in BootOrder (testbed's <see cref="EspBootedGuest"/>).
/// That store is both the flash the machine starts with and the payload of the capsule: the region is VALID before, and
/// boots Linux after its recovery. Only an instruction makes the app reflash a valid region.
/// </summary>
public sealed class BuildMachineStep : IDemoStep
{
    public string Title => "Build the machine: GPT ESP (app, kernel, initrd), variable store with Boot0000 -> Linux";

    public Task<StepResult> RunAsync(DemoContext context)
    {
        ManagerInitiatedState state = context.ManagerInitiated;
        state.Disk = EspBootedGuest.BuildDisk(context.RunDirectory, state.Guest!, context.EfiAppPath!);
        string vars = EspBootedGuest.WriteVarsTemplate(HostTools.RequirePath(HostTool.OvmfVars), context.RunDirectory, state.Disk,
            Recovery.DemoNetwork.NamespaceVmAddress, idleSeconds: 0);
        context.Recovery.PayloadPath = vars;
        Console.WriteLine($"   disk {state.Disk.ImagePath}: GPT, ESP = partition {GptEspDisk.PartitionNumber} ({state.Disk.PartitionSectors} sectors), attached if=virtio");
        Console.WriteLine($"   ESP: \\EFI\\BOOT\\BOOTX64.EFI (the app), \\{EspBootedGuest.KernelEspPath.Replace('/', '\\')}, \\{EspBootedGuest.InitrdEspPath.Replace('/', '\\')}");
        Console.WriteLine($"   machine UUID (SMBIOS, QEMU -uuid): {state.SystemUuid}; MAC {Testbed.Qemu.QemuMachineOptions.DefaultMacAddress}");
        return Task.FromResult(StepResult.Ok($"flash {vars} ({new FileInfo(vars).Length} bytes): Boot0000 -> Linux, BootOrder = 0000; also the capsule's payload"));
    }
}
