using System;
using System.IO;
using System.Linq;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Tools;
using Xunit;

namespace UefiRecovery.QemuTests.Harness;

/// <summary>.ci/packages.txt is the one package list: every package the test bed names must be in it.</summary>
public sealed class PackageListTests
{
    private static string[] ListedPackages() =>
        File.ReadAllLines(TestEnvironment.Repo.PackageListPath)
            .Select(line => line.Split('#')[0].Trim())
            .Where(line => line.Length > 0)
            .ToArray();

    [Fact]
    public void PackageList_EveryHostToolPackage_Listed()
    {
        string[] listed = ListedPackages();
        foreach (HostTool tool in HostTool.All)
        {
            foreach (string package in tool.DebianPackages.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(listed.Contains(package), $"{tool.Name} needs Debian package {package}, missing from .ci/packages.txt");
            }
        }
    }

    [Fact]
    public void DescribeMissing_TwoToolsOnePackage_OneMessageNamingPackagesOnce()
    {
        string message = HostTools.DescribeMissing(new[] { HostTool.OvmfCode, HostTool.OvmfVars, HostTool.MCopy });

        Assert.Contains("/usr/share/OVMF/OVMF_CODE_4M.fd (Debian package ovmf)", message);
        Assert.Contains("mcopy (Debian package mtools)", message);
        Assert.Contains("apt-get install -y --no-install-recommends ovmf mtools ", message);
    }

    [Fact]
    public void Require_AllBootToolsOnThisHost_Found()
    {
        // On CI .ci/run installs them; a failure here prints the one install command.
        Assert.Equal(3, HostTools.Require(HostTool.ForQemuBoot).Count);
    }

    [Fact]
    public void Require_Arm64BootToolsOnThisHost_Found()
    {
        Assert.Equal(3, HostTools.Require(UefiRecovery.Testbed.Qemu.QemuArch.Arm64.ToolsForBoot).Count);
    }
}
