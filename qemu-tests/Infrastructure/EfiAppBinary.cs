using System.IO;
using UefiRecovery.Testbed.Qemu;
using Xunit.Sdk;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>
/// The BOOTX64.EFI (or BOOTAA64.EFI) that efi-app's build wrote for this configuration. qemu-tests references
/// efi-app (build only, once per architecture), so `dotnet test` builds both first; a missing file is a build
/// problem, reported as such.
/// </summary>
public static class EfiAppBinary
{
    public static string Path => PathFor(QemuArch.X64);

    public static string PathFor(QemuArch arch) => TestEnvironment.Repo.EfiAppBinary(TestEnvironment.Configuration, arch.BootFileName);

    public static string Require() => Require(QemuArch.X64);

    public static string Require(QemuArch arch)
    {
        string path = PathFor(arch);
        if (!File.Exists(path))
        {
            throw new XunitException(
                $"efi-app's {TestEnvironment.Configuration} build did not produce {path}. " +
                $"Build it with `dotnet build efi-app/src/EfiApp.csproj -c {TestEnvironment.Configuration} -p:EfiTargetArch={arch.Name}` " +
                "(qemu-tests' project references normally do this; -p:SkipEfiAppBuild=true turns that off).");
        }
        return path;
    }
}
