using System.Collections.Generic;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

public sealed class QemuCommandLineTests
{
    private static List<string> Build(NicSetup nic, params string[] oemStrings) =>
        QemuCommandLine.Build(new QemuMachineOptions
        {
            BootDisk = new EspFolder("/tmp/esp"),
            RunDirectory = "/tmp/run",
            Nic = nic,
            OemStrings = oemStrings,
        }, "/fw/CODE.fd", "/run/VARS.fd");

    private static string ValueAfter(List<string> arguments, string option, string startsWith)
    {
        for (int i = 0; i + 1 < arguments.Count; i++)
        {
            if (arguments[i] == option && arguments[i + 1].StartsWith(startsWith))
            {
                return arguments[i + 1];
            }
        }
        return "";
    }

    [Fact]
    public void Build_Defaults_HeadlessTcgWithReadOnlyCodeWritableVarsAndDebugExit()
    {
        List<string> arguments = Build(NicSetup.None);

        Assert.Equal("q35,accel=tcg", ValueAfter(arguments, "-machine", ""));
        Assert.Contains("-nographic", arguments);
        Assert.Contains("-no-reboot", arguments);
        Assert.Equal("if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd", ValueAfter(arguments, "-drive", "if=pflash,format=raw,unit=0"));
        Assert.Equal("if=pflash,format=raw,unit=1,file=/run/VARS.fd", ValueAfter(arguments, "-drive", "if=pflash,format=raw,unit=1"));
        Assert.Equal("file=fat:rw:/tmp/esp,format=raw", ValueAfter(arguments, "-drive", "file="));
        Assert.Equal("isa-debug-exit,iobase=0xf4,iosize=0x04", ValueAfter(arguments, "-device", "isa-debug-exit"));
        Assert.Equal("none", ValueAfter(arguments, "-nic", ""));
    }

    [Fact]
    public void Build_Arm64_VirtMachineCpuMaxVirtioBlkEspAndSemihostingInsteadOfDebugExit()
    {
        List<string> arguments = QemuCommandLine.Build(new QemuMachineOptions
        {
            Arch = QemuArch.Arm64,
            BootDisk = new EspFolder("/tmp/esp"),
            RunDirectory = "/tmp/run",
        }, "/fw/AAVMF_CODE.fd", "/run/VARS.fd");

        Assert.Equal("virt,accel=tcg", ValueAfter(arguments, "-machine", ""));
        Assert.Equal("max,pauth-impdef=on", ValueAfter(arguments, "-cpu", ""));
        Assert.Equal("menu=on,splash-time=0", ValueAfter(arguments, "-boot", "")); // no boot-manager countdown (QemuArch)
        Assert.Equal("if=pflash,format=raw,unit=0,readonly=on,file=/fw/AAVMF_CODE.fd", ValueAfter(arguments, "-drive", "if=pflash,format=raw,unit=0"));
        Assert.Equal("file=fat:rw:/tmp/esp,format=raw,if=virtio", ValueAfter(arguments, "-drive", "file="));
        Assert.Contains("-semihosting", arguments);
        Assert.DoesNotContain(arguments, a => a.StartsWith("isa-debug-exit", System.StringComparison.Ordinal));
        Assert.Equal("EFI/BOOT/BOOTAA64.EFI", QemuArch.Arm64.EspBootPath);
    }

    [Fact]
    public void Build_GptDiskOnArm64_KeepsItsOwnInterface()
    {
        // A disk that already names its interface (if=virtio) is not given a second one.
        Assert.Equal("file=/d.img,format=raw,if=virtio", QemuArch.Arm64.BootDriveOption("file=/d.img,format=raw,if=virtio"));
        Assert.Equal("file=/d.img,format=raw", QemuArch.X64.BootDriveOption("file=/d.img,format=raw"));
    }

    [Fact]
    public void Build_OemStringWithComma_DoubledForQemuParser()
    {
        List<string> arguments = Build(NicSetup.None, "uefirecovery.mode=selftest", "a=b,c");

        Assert.Equal("type=11,value=uefirecovery.mode=selftest", ValueAfter(arguments, "-smbios", "type=11,value=uefi"));
        Assert.Equal("type=11,value=a=b,,c", ValueAfter(arguments, "-smbios", "type=11,value=a"));
    }

    [Theory]
    [InlineData(NicModel.VirtioNetOvmfDriver, "virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56,romfile=")]
    [InlineData(NicModel.VirtioNetIpxe, "virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56")]
    [InlineData(NicModel.E1000, "e1000,netdev=net0,mac=52:54:00:12:34:56")]
    public void Build_TapNic_NoScriptsAndModelDevice(NicModel model, string expectedDevice)
    {
        List<string> arguments = Build(NicSetup.Tap("qemutap0", model));

        Assert.Equal("tap,id=net0,ifname=qemutap0,script=no,downscript=no", ValueAfter(arguments, "-netdev", "tap"));
        Assert.Contains(expectedDevice, arguments);
        Assert.DoesNotContain("-nic", arguments);
    }

    [Fact]
    public void Build_NicCapture_FilterDumpOnTheNetdev()
    {
        List<string> arguments = QemuCommandLine.Build(new QemuMachineOptions
        {
            BootDisk = new EspFolder("/tmp/esp"),
            RunDirectory = "/tmp/run",
            Nic = NicSetup.User(),
            NicCapturePath = "/tmp/run/nic.pcap",
        }, "/fw/CODE.fd", "/run/VARS.fd");

        Assert.Equal("filter-dump,id=capture0,netdev=net0,file=/tmp/run/nic.pcap", ValueAfter(arguments, "-object", "filter-dump"));
    }

    [Fact]
    public void Build_UserNic_Restricted()
    {
        List<string> arguments = Build(NicSetup.User());

        Assert.Equal("user,id=net0,restrict=on", ValueAfter(arguments, "-netdev", "user"));
    }
}
