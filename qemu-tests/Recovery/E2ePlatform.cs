using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// What an end-to-end recovery test does differently per architecture, in one place (the demo's DemoPlatform is the
/// same idea): where the machine's flash and the region's correct contents come from, what an interrupted recovery
/// leaves, and which NIC a boot without network has. The app's default target is the region in both (no
/// <c>uefirecovery.target</c> needed).
/// <list type="bullet">
/// <item>x64 (OVMF): the flash is Debian's pristine OVMF_VARS_4M.fd, all of it the region (0x84000 bytes); the damage is
/// <see cref="InterruptedRecovery"/>'s; a boot without network has no NIC.</item>
/// <item>arm64 (AAVMF): Debian's AAVMF_VARS.fd is all zeros until the firmware formats it at its first boot, so a first
/// boot (banner only) makes the flash; the region is its first 0xC0000 bytes (3 blocks of 256 KiB) of the 64 MiB part,
/// whose FV header maps the whole device (docs/firmware-regions.md); the damage is 4 KiB of seeded garbage in the FTW
/// spare block. AAVMF keeps the boot options of that first boot, so every boot has the same devices: the ESP disk and
/// a virtio NIC at the same PCI slots (an unconnected one when the boot needs no network).</item>
/// </list>
/// </summary>
internal sealed class E2ePlatform
{
    private readonly int _seed;

    private E2ePlatform(QemuArch arch, int regionLength, int garbageOffset, int seed, NicSetup quietNic)
    {
        Arch = arch;
        RegionLength = regionLength;
        GarbageOffset = garbageOffset;
        _seed = seed;
        QuietNic = quietNic;
    }

    public QemuArch Arch { get; }

    /// <summary>Bytes of the region at the start of the flash: the capsule payload's length.</summary>
    public int RegionLength { get; }

    /// <summary>Where the 4 KiB of garbage of an interrupted recovery go (inside the FTW spare area).</summary>
    public int GarbageOffset { get; }

    /// <summary>The NIC of a boot that needs no network.</summary>
    public NicSetup QuietNic { get; }

    /// <summary>The flash is formatted by a first boot (AAVMF) rather than taken from Debian's file (OVMF).</summary>
    public bool FormatsFlashAtFirstBoot => Arch == QemuArch.Arm64;

    public static E2ePlatform X64 { get; } = new(QemuArch.X64, 0x84000, InterruptedRecovery.GarbageOffset, seed: 0, NicSetup.None);

    public static E2ePlatform Arm64 { get; } = new(QemuArch.Arm64, 0xC0000, 0x80000 + 0x1000, seed: 16, NicSetup.User(NicModel.VirtioNetOvmfDriver));

    /// <summary>The platform of a theory row's "x64" / "arm64".</summary>
    public static E2ePlatform Parse(string arch) => QemuArch.Parse(arch) == QemuArch.Arm64 ? Arm64 : X64;

    /// <summary>
    /// The <c>uefirecovery.target</c> line that spells out the app's default region for <paramref name="imageType"/>
    /// (docs/config.md): a machine given it must behave exactly as one without it.
    /// </summary>
    public string ExplicitTargetOemString(string imageType) => "uefirecovery.target=" + imageType + ",fv=FFF12B8D-7696-4C8B-A985-2747075B4F50," +
        (FormatsFlashAtFirstBoot ? "size=0xC0000,block=0x40000,map=device" : "size=0x84000,block=0x1000,store=nv");

    /// <summary>The app built for this architecture (BOOTX64.EFI / BOOTAA64.EFI).</summary>
    public string AppPath => EfiAppBinary.Require(Arch);

    /// <summary>A builder of an ESP holding the app at this architecture's boot path.</summary>
    public EspBuilder Esp() => new EspBuilder().WithBootApplication(AppPath, Arch.EspBootPath);

    /// <summary>The machine's flash as the firmware leaves it valid: Debian's file (OVMF), or the one a first boot in <paramref name="runDirectory"/> formatted (AAVMF).</summary>
    public async Task<byte[]> ValidFlashAsync(string runDirectory)
    {
        if (!FormatsFlashAtFirstBoot)
            return PristineVars.Read();
        EspImage esp = Esp().BuildFatImage(Path.Combine(runDirectory, "esp-format.img"));
        var format = new QemuMachine(new QemuMachineOptions
        {
            Arch = Arch,
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "0-format"),
            Nic = QuietNic,
            OemStrings = new[] { EfiAppConsole.DebugExitOemString },
            Timeout = TimeSpan.FromMinutes(3),
        });
        (QemuExit exit, SerialLog serial) = await format.RunToExitAsync();
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^UefiRecovery ")), "the banner of the formatting boot",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        return File.ReadAllBytes(exit.VarsPath);
    }

    /// <summary>The region of <paramref name="flash"/>: what the capsule carries.</summary>
    public byte[] Region(byte[] flash) => flash.AsSpan(0, RegionLength).ToArray();

    /// <summary>What an interrupted recovery leaves in <paramref name="flash"/> (a copy): one FTW spare block not yet rewritten.</summary>
    public byte[] Interrupted(byte[] flash)
    {
        if (!FormatsFlashAtFirstBoot)
            return InterruptedRecovery.DamageRegion(flash);
        byte[] damaged = (byte[])flash.Clone();
        new Random(_seed).NextBytes(damaged.AsSpan(GarbageOffset, InterruptedRecovery.GarbageLength));
        return damaged;
    }

    /// <summary>
    /// Nothing of the app's in the flash: the damaged bytes as they were, and what the firmware's own boot-time variable
    /// writes cannot touch as it was (OVMF: blocks 5 on, <see cref="E2eRecoveryLab.AssertNothingWritten"/>; AAVMF: the
    /// 64 MiB beyond the region). Returns the 4 KiB blocks that did change, for the test's log.
    /// </summary>
    public string AssertNothingWritten(byte[] before, byte[] after, string why)
    {
        if (!FormatsFlashAtFirstBoot)
            return E2eRecoveryLab.AssertNothingWritten(before, after, why);
        Assert.Equal(before.Length, after.Length);
        Assert.True(after.AsSpan(GarbageOffset, InterruptedRecovery.GarbageLength).SequenceEqual(before.AsSpan(GarbageOffset, InterruptedRecovery.GarbageLength)),
            "the interrupted-region bytes were changed although " + why);
        Assert.True(after.AsSpan(RegionLength).SequenceEqual(before.AsSpan(RegionLength)), "the flash beyond the region changed although " + why);
        return FlashBlocks.Differing(before.AsSpan(0, RegionLength).ToArray(), after.AsSpan(0, RegionLength).ToArray());
    }

    public override string ToString() => Arch.Name;
}
