using System;
using System.Collections.Generic;
using System.IO;
using UefiRecovery.Demo.Recovery;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.ManagerInitiated;

/// <summary>
/// The one machine of the scenario, booted three times (QEMU stops at each reset, -no-reboot; the next boot starts from
/// the flash the last one left): the GPT ESP on virtio (app, Linux kernel, initrd), the demo network's tap, the fresh
/// system UUID, and the platform settings an instructed boot needs.
/// </summary>
internal static class GuestMachine
{
    /// <summary>Starts a boot in <c>RUN/folder</c> from <paramref name="varsPath"/>, its console printed with "vm |".</summary>
    public static QemuRun Start(DemoContext context, string folder, string varsPath, TimeSpan timeout)
    {
        DemoNetwork network = context.Recovery.Network!;
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = context.ManagerInitiated.Disk!,
            RunDirectory = Path.Combine(context.RunDirectory, folder),
            Nic = network.Nic,
            NetworkNamespace = network.NamespaceName,
            Timeout = timeout,
            VarsTemplatePath = varsPath,
            MemoryMiB = 512,
            ExtraArguments = new[] { "-uuid", context.ManagerInitiated.SystemUuid },
            OemStrings = OemStrings(context),
        });
        return machine.Start(line => Console.WriteLine("   vm | " + line));
    }

    /// <summary>
    /// The platform settings (SMBIOS type 11, which the OS cannot write): mode auto, the static address, the firmware key,
    /// image type and floor, and the instruction key. No manager: a valid instruction names it (docs/operating.md §8.4).
    /// </summary>
    public static List<string> OemStrings(DemoContext context) => new()
    {
        "uefirecovery.mode=auto",
        "uefirecovery.ip=" + context.Recovery.Network!.VmAddress,
        "uefirecovery.trust.rsa2048=" + context.Recovery.TrustedKeyHash,
        "uefirecovery.image-type=" + RecoveryDemoState.ImageType,
        "uefirecovery.lsv=" + RecoveryDemoState.LowestSupportedVersion,
        context.ManagerInitiated.InstructionTrustSetting!,
    };

    /// <summary>The agent's UDP port (its default, docs/operating.md §8.2), where <c>instruct</c> sends.</summary>
    public const int AgentPort = 40125;

    /// <summary>The machine's address without the prefix length (where <c>instruct</c> sends).</summary>
    public static string Address(DemoContext context) => context.Recovery.Network!.VmAddress.Split('/')[0];
}
