using System;
using System.Collections.Generic;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// The CPU architecture a run emulates, and everything that follows from it: QEMU binary, machine and CPU,
/// firmware files, the boot file name on the ESP (UEFI 2.10 §3.5.1.1), how the ESP is attached, and the test
/// exit channel. Everything else about a run is the same on both (<see cref="QemuCommandLine"/>).
/// <list type="bullet">
/// <item>x64: q35 under TCG with OVMF, the ESP on QEMU's default (IDE/AHCI) drive, isa-debug-exit.</item>
/// <item>arm64: virt with <c>-cpu max,pauth-impdef=on</c> (RNDR; the cheap pointer-authentication
/// algorithm, which is faster under TCG) and AAVMF, the ESP on virtio-blk (virt has no IDE), and semihosting
/// SYS_EXIT as the exit channel (virt has no isa-debug-exit; the app writes the same (v &lt;&lt; 1) | 1
/// status, so <see cref="DebugExit"/> decodes both).</item>
/// </list>
/// </summary>
public sealed class QemuArch
{
    /// <summary>efi-app's EfiTargetArch value: "x64" or "arm64".</summary>
    public string Name { get; }

    /// <summary>The removable-media boot file: BOOTX64.EFI or BOOTAA64.EFI.</summary>
    public string BootFileName { get; }

    public HostTool Qemu { get; }

    public HostTool FirmwareCode { get; }

    /// <summary>The pristine variable store each run copies (pflash unit 1).</summary>
    public HostTool FirmwareVars { get; }

    /// <summary>Debian's snakeoil variable store for this firmware: PK/KEK/db of the snakeoil key, Secure Boot enforced.</summary>
    public HostTool FirmwareSnakeoilVars { get; }

    /// <summary>Firmware and machine in one phrase, for figures.</summary>
    public string Description { get; }

    private readonly string[] _machineArguments;
    private readonly string[] _testExitArguments;
    private readonly string _bootDiskSuffix;

    private QemuArch(string name, string bootFileName, HostTool qemu, HostTool code, HostTool vars, HostTool snakeoilVars, string description,
        string[] machineArguments, string[] testExitArguments, string bootDiskSuffix)
    {
        Name = name;
        BootFileName = bootFileName;
        Qemu = qemu;
        FirmwareCode = code;
        FirmwareVars = vars;
        FirmwareSnakeoilVars = snakeoilVars;
        Description = description;
        _machineArguments = machineArguments;
        _testExitArguments = testExitArguments;
        _bootDiskSuffix = bootDiskSuffix;
    }

    public static readonly QemuArch X64 = new("x64", "BOOTX64.EFI",
        HostTool.QemuSystemX86, HostTool.OvmfCode, HostTool.OvmfVars, HostTool.OvmfSnakeoilVars, "OVMF 2022.11, q35, TCG",
        new[] { "-machine", "q35,accel=tcg" },
        new[] { "-device", $"isa-debug-exit,iobase=0x{QemuCommandLine.DebugExitIoBase:x2},iosize=0x04" },
        "");

    public static readonly QemuArch Arm64 = new("arm64", "BOOTAA64.EFI",
        HostTool.QemuSystemAarch64, HostTool.AavmfCode, HostTool.AavmfVars, HostTool.AavmfSnakeoilVars, "AAVMF 2022.11, virt, cpu max, TCG",
        // -boot menu=on,splash-time=0: AAVMF's boot-manager countdown is 0 s (its GetFrontPageTimeoutFromQemu reads
        // etc/boot-menu-wait only with the menu on; otherwise it waits its default 5 s). That wait hung 1 boot in 20
        // here under TCG (no line after the console clears; seen in CI too) and none in 30 without it; 5 s faster too.
        new[] { "-machine", "virt,accel=tcg", "-cpu", "max,pauth-impdef=on", "-boot", "menu=on,splash-time=0" },
        new[] { "-semihosting" },
        ",if=virtio");

    /// <summary>Both, x64 first: what tests that run on every architecture iterate.</summary>
    public static IReadOnlyList<QemuArch> All { get; } = new[] { X64, Arm64 };

    /// <summary>"x64" or "arm64" (as efi-app's EfiTargetArch and the demo's --arch spell them).</summary>
    public static QemuArch Parse(string name) =>
        name switch
        {
            "x64" => X64,
            "arm64" => Arm64,
            _ => throw new ArgumentException("Unknown architecture '" + name + "': x64 or arm64.", nameof(name)),
        };

    /// <summary>Where UEFI's removable-media boot looks on the ESP: EFI/BOOT/BOOTX64.EFI or EFI/BOOT/BOOTAA64.EFI.</summary>
    public string EspBootPath => "EFI/BOOT/" + BootFileName;

    /// <summary>What booting an ESP in QEMU for this architecture needs.</summary>
    public HostTool[] ToolsForBoot => new[] { Qemu, FirmwareCode, FirmwareVars };

    internal IReadOnlyList<string> MachineArguments => _machineArguments;

    internal IReadOnlyList<string> TestExitArguments => _testExitArguments;

    /// <summary>The -drive value for the ESP; on arm64 it goes on virtio-blk unless the disk already says where.</summary>
    public string BootDriveOption(string diskOption) =>
        _bootDiskSuffix.Length == 0 || diskOption.Contains("if=", StringComparison.Ordinal) ? diskOption : diskOption + _bootDiskSuffix;

    public override string ToString() => Name;
}
