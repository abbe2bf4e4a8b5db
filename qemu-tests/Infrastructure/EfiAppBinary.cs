using System.IO;
using Xunit.Sdk;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>
/// The BOOTX64.EFI that efi-app's build wrote for this configuration. qemu-tests references efi-app
/// (build only), so `dotnet test` builds it first; a missing file is a build problem, reported as such.
/// </summary>
public static class EfiAppBinary
{
    public static string Path => TestEnvironment.Repo.EfiAppBinary(TestEnvironment.Configuration);

    public static string Require()
    {
        if (!File.Exists(Path))
        {
            throw new XunitException(
                $"efi-app's {TestEnvironment.Configuration} build did not produce {Path}. " +
                $"Build it with `dotnet build efi-app/src/EfiApp.csproj -c {TestEnvironment.Configuration}` " +
                "(qemu-tests' project reference normally does this; -p:SkipEfiAppBuild=true turns that off).");
        }
        return Path;
    }
}
