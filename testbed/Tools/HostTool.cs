using System;
using System.IO;

namespace UefiRecovery.Testbed.Tools;

/// <summary>
/// A program or firmware file the test bed needs from the host, and the Debian package that ships it,
/// so a missing one can be reported with the exact install command.
/// </summary>
public sealed class HostTool
{
    public string Name { get; }

    /// <summary>Debian package(s) providing it, space separated (all are listed in .ci/packages.txt).</summary>
    public string DebianPackages { get; }

    private readonly string[] _fixedPaths;
    private readonly bool _searchPath;

    private HostTool(string name, string debianPackages, bool searchPath, params string[] fixedPaths)
    {
        Name = name;
        DebianPackages = debianPackages;
        _searchPath = searchPath;
        _fixedPaths = fixedPaths;
    }

    public static readonly HostTool QemuSystemX86 = Program("qemu-system-x86_64", "qemu-system-x86");
    public static readonly HostTool OvmfCode = File("/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf");
    public static readonly HostTool OvmfVars = File("/usr/share/OVMF/OVMF_VARS_4M.fd", "ovmf");

    /// <summary>AArch64 (BOOTAA64.EFI): QEMU's virt machine and Debian's AAVMF (<see cref="Qemu.QemuArch.Arm64"/>).</summary>
    public static readonly HostTool QemuSystemAarch64 = Program("qemu-system-aarch64", "qemu-system-arm");
    public static readonly HostTool AavmfCode = File("/usr/share/AAVMF/AAVMF_CODE.fd", "qemu-efi-aarch64");
    public static readonly HostTool AavmfVars = File("/usr/share/AAVMF/AAVMF_VARS.fd", "qemu-efi-aarch64");
    /// <summary>AAVMF's snakeoil vars: Secure Boot enforced (AAVMF_CODE.snakeoil.fd is AAVMF_CODE.fd), db = the same snakeoil key as OVMF's.</summary>
    public static readonly HostTool AavmfSnakeoilVars = File("/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd", "qemu-efi-aarch64");
    public static readonly HostTool LldLink = Program("lld-link", "lld");
    public static readonly HostTool MCopy = Program("mcopy", "mtools");
    public static readonly HostTool MMd = Program("mmd", "mtools");
    public static readonly HostTool MkfsVfat = Program("mkfs.vfat", "dosfstools");
    public static readonly HostTool Ip = Program("ip", "iproute2");

    /// <summary>Logs QEMU's writes to the vars file and cuts the power at one of them (<see cref="Qemu.FlashWriteTracing"/>).</summary>
    public static readonly HostTool Strace = Program("strace", "strace");

    /// <summary>Secure Boot: Debian's snakeoil PK/KEK/db vars (enforcing with OVMF_CODE_4M.fd), their signing key and cert, and sbsign.</summary>
    public static readonly HostTool OvmfSnakeoilVars = File("/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd", "ovmf");
    /// <summary>Debian's SMM Secure Boot build: the variable store's FVB lives in SMM (needs <see cref="Qemu.QemuMachineOptions.Smm"/>).</summary>
    public static readonly HostTool OvmfSecbootCode = File("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "ovmf");
    public static readonly HostTool SnakeoilKey = File("/usr/share/ovmf/PkKek-1-snakeoil.key", "ovmf");
    public static readonly HostTool SnakeoilCert = File("/usr/share/ovmf/PkKek-1-snakeoil.pem", "ovmf");
    public static readonly HostTool SbSign = Program("sbsign", "sbsigntool");
    public static readonly HostTool OpenSsl = Program("openssl", "openssl");

    /// <summary>OpenIPMI's BMC simulator: an independent BMC behind QEMU's ipmi-bmc-extern, to cross-check the app's KCS client.</summary>
    public static readonly HostTool IpmiSim = Program("ipmi_sim", "openipmi");

    /// <summary>What booting an ESP folder in QEMU needs (x64; <see cref="Qemu.QemuArch.ToolsForBoot"/> per architecture).</summary>
    public static readonly HostTool[] ForQemuBoot = { QemuSystemX86, OvmfCode, OvmfVars };

    /// <summary>What building a FAT image of an ESP needs.</summary>
    public static readonly HostTool[] ForFatImage = { MkfsVfat, MMd, MCopy };

    public static readonly HostTool[] All = { QemuSystemX86, OvmfCode, OvmfVars, QemuSystemAarch64, AavmfCode, AavmfVars, AavmfSnakeoilVars, LldLink, MCopy, MMd, MkfsVfat, Ip, Strace, OvmfSnakeoilVars, OvmfSecbootCode, SbSign, OpenSsl, IpmiSim };

    private static HostTool Program(string name, string packages) => new(name, packages, searchPath: true);

    private static HostTool File(string path, string packages) => new(path, packages, searchPath: false, path);

    /// <summary>The full path, or false when neither a fixed path nor PATH (plus the sbin folders) has it.</summary>
    public bool TryLocate(out string fullPath)
    {
        foreach (string candidate in _fixedPaths)
        {
            if (System.IO.File.Exists(candidate))
            {
                fullPath = candidate;
                return true;
            }
        }
        if (_searchPath)
        {
            string pathVariable = Environment.GetEnvironmentVariable("PATH") ?? "";
            // sbin folders are not on PATH for non-root shells, yet mkfs.vfat and ip live there.
            string searched = pathVariable + ":/usr/local/sbin:/usr/sbin:/sbin";
            foreach (string dir in searched.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, Name);
                if (System.IO.File.Exists(candidate))
                {
                    fullPath = candidate;
                    return true;
                }
            }
        }
        fullPath = "";
        return false;
    }

    public override string ToString() => Name;
}
