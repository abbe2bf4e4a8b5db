using System;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.Demo.Recovery;

/// <summary>
/// What the recovery demo does differently per architecture (--arch), in one place: the firmware, where the
/// region's correct contents come from and how an interrupted recovery damages it. The app's built-in target is the
/// region on both, so the machine's settings are the same.
/// <list type="bullet">
/// <item>x64 (OVMF): the region is Debian's whole pristine OVMF_VARS_4M.fd (0x84000 bytes, the default target).</item>
/// <item>arm64 (AAVMF): Debian's AAVMF_VARS.fd is all zeros until the firmware formats it at its first boot, so a first
/// boot makes the flash; the region is its first 0xC0000 bytes (3 blocks of 256 KiB) in the 64 MiB part, whose FV header
/// maps the whole device (the app's AArch64 default target, docs/config.md). AAVMF keeps the boot options of
/// that first boot, so every boot has the same devices (the ESP image and a virtio NIC at the same PCI slots).</item>
/// </list>
/// </summary>
public sealed class DemoPlatform
{
    private DemoPlatform(QemuArch arch, int regionLength, int spareGarbageOffset)
    {
        Arch = arch;
        RegionLength = regionLength;
        SpareGarbageOffset = spareGarbageOffset;
    }

    public QemuArch Arch { get; }

    /// <summary>Bytes of the region at the start of the flash (the capsule payload's length).</summary>
    public int RegionLength { get; }

    /// <summary>Where the 4 KiB of garbage of an interrupted recovery go: inside the FTW spare block.</summary>
    public int SpareGarbageOffset { get; }

    /// <summary>The flash is formatted by a first boot (AAVMF) rather than taken from Debian's file (OVMF).</summary>
    public bool FormatsFlashAtFirstBoot => Arch == QemuArch.Arm64;

    public static DemoPlatform X64 { get; } = new(QemuArch.X64, 0x84000, InterruptedRecovery.GarbageOffset);

    public static DemoPlatform Arm64 { get; } = new(QemuArch.Arm64, 0xC0000, 0x80000 + 0x1000);

    public static DemoPlatform For(QemuArch arch) => arch == QemuArch.Arm64 ? Arm64 : X64;

    /// <summary>The NIC of a boot that needs no network: none on x64; on arm64 an unconnected virtio NIC, so the PCI slots stay those of every other boot.</summary>
    public NicSetup QuietNic => FormatsFlashAtFirstBoot ? NicSetup.User(NicModel.VirtioNetOvmfDriver) : NicSetup.None;

    /// <summary>What an interrupted recovery leaves in <paramref name="flash"/> (a copy is returned): 4 KiB of garbage in the FTW spare block.</summary>
    public byte[] DamageRegion(byte[] flash)
    {
        if (!FormatsFlashAtFirstBoot) return InterruptedRecovery.DamageRegion(flash);
        byte[] damaged = (byte[])flash.Clone();
        new Random(16).NextBytes(damaged.AsSpan(SpareGarbageOffset, InterruptedRecovery.GarbageLength));
        return damaged;
    }
}
