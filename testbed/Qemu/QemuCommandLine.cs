using System.Collections.Generic;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// Builds QEMU's argument list. Fixed choices, with why:
/// TCG, because KVM fails in OVMF's SEC phase on this host kind; -nographic so ConOut and the serial
/// port go to stdio; -no-reboot so a reset ends QEMU and the host can inspect the flash afterwards;
/// isa-debug-exit (x64) or semihosting (arm64) so the app can end the run with an explicit exit code.
/// The architecture's own parts (machine, ESP attachment, exit channel) come from <see cref="QemuArch"/>.
/// </summary>
public static class QemuCommandLine
{
    public const int DebugExitIoBase = 0xF4;

    public static List<string> Build(QemuMachineOptions options, string ovmfCodePath, string varsCopyPath)
    {
        var arguments = new List<string>();
        if (options.FlashTracing != null)
        {
            // One block-layer worker thread for the whole run: every vars-file pwrite64 then comes from the same
            // thread, which strace's per-thread call counting (inject when=N) needs (FlashWriteTracing).
            arguments.AddRange(new[] { "-object", "main-loop,id=main-loop,thread-pool-min=1,thread-pool-max=1" });
        }
        // An SMM build (x64 only) needs the machine's SMM; everything else is the architecture's machine.
        arguments.AddRange(options.Smm ? new[] { "-machine", "q35,smm=on,accel=tcg" } : options.Arch.MachineArguments);
        arguments.AddRange(new[]
        {
            "-m", options.MemoryMiB.ToString(),
            "-nographic",
            "-no-reboot",
            "-no-user-config",
            "-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={ovmfCodePath}",
            "-drive", $"if=pflash,format=raw,unit=1,file={varsCopyPath}",
            "-drive", options.Arch.BootDriveOption(options.BootDisk.QemuDriveOption),
        });
        arguments.AddRange(options.Arch.TestExitArguments);
        if (options.Smm)
        {
            // SMM builds keep the variable store's flash for SMM only; QEMU enforces that with secure pflash.
            arguments.AddRange(new[] { "-global", "driver=cfi.pflash01,property=secure,value=on" });
        }
        options.Nic.AppendArguments(arguments, options.MacAddress);
        if (options.NicCapturePath != null && options.Nic.HasNic)
        {
            arguments.Add("-object");
            arguments.Add("filter-dump,id=capture0,netdev=net0,file=" + EscapeOptionValue(options.NicCapturePath));
        }
        foreach (string oemString in options.OemStrings)
        {
            arguments.Add("-smbios");
            arguments.Add("type=11,value=" + EscapeOptionValue(oemString));
        }
        arguments.AddRange(options.ExtraArguments);
        return arguments;
    }

    /// <summary>QEMU's option parser splits on ',', and ",," stands for a literal comma.</summary>
    public static string EscapeOptionValue(string value) => value.Replace(",", ",,");
}
