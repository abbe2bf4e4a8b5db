using System;
using System.Collections.Generic;
using UefiRecovery.Testbed.Esp;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>Everything that varies between QEMU runs. The rest is fixed in <see cref="QemuCommandLine"/>.</summary>
public sealed class QemuMachineOptions
{
    /// <summary>The fixed MAC that tests and the manager expect unless they ask for another one.</summary>
    public const string DefaultMacAddress = "52:54:00:12:34:56";

    /// <summary>x64 (q35, OVMF) unless set: the emulated architecture, which must match the boot application.</summary>
    public QemuArch Arch { get; init; } = QemuArch.X64;

    public required IBootDisk BootDisk { get; init; }

    /// <summary>Folder for this run's vars copy and serial log; created, and kept after the run.</summary>
    public required string RunDirectory { get; init; }

    public NicSetup Nic { get; init; } = NicSetup.None;

    public string MacAddress { get; init; } = DefaultMacAddress;

    /// <summary>
    /// When set (and there is a NIC), QEMU writes every frame the NIC sends or receives to this pcap
    /// file (<c>-object filter-dump</c>), for tcpdump/tshark/scapy to read after or during the run.
    /// </summary>
    public string? NicCapturePath { get; init; }

    /// <summary>SMBIOS type 11 OEM strings (how a hypervisor or BMC hands settings to the app).</summary>
    public IReadOnlyList<string> OemStrings { get; init; } = Array.Empty<string>();

    /// <summary>Hard limit: QEMU is killed when it runs longer, and the run is marked timed out.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Guest RAM unless a run asks for more; enough for OVMF and AAVMF alike (measured).</summary>
    public const int DefaultMemoryMiB = 256;

    public int MemoryMiB { get; init; } = DefaultMemoryMiB;

    /// <summary>
    /// Starting contents of the writable flash (pflash unit 1); default is Debian's pristine
    /// OVMF_VARS_4M.fd (AAVMF_VARS.fd on arm64). A recovery test hands in a damaged copy here.
    /// </summary>
    public string? VarsTemplatePath { get; init; }

    /// <summary>Run QEMU inside this network namespace (<c>ip netns exec</c>), where its tap device lives.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>Log QEMU's writes to the vars file, and optionally cut the power at one (strace; needs root for ptrace of QEMU in a namespace).</summary>
    public FlashWriteTracing? FlashTracing { get; init; }

    /// <summary>Another OVMF code image (pflash unit 0) instead of Debian's OVMF_CODE_4M.fd, e.g. <see cref="Tools.HostTool.OvmfSecbootCode"/>.</summary>
    public string? FirmwareCodePath { get; init; }

    /// <summary>A machine with SMM and secure pflash, which OVMF's SMM builds (Debian's secboot image) require.</summary>
    public bool Smm { get; init; }

    /// <summary>Added after the standard arguments, for one-off experiments.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = Array.Empty<string>();
}
