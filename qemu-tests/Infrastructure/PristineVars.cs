using System.IO;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.QemuTests.Infrastructure;

/// <summary>
/// Debian's pristine OVMF_VARS_4M.fd: what every machine's NV flash starts from unless a test hands in another
/// template, and the payload of the test capsules.
/// </summary>
public static class PristineVars
{
    public static string Path => HostTools.RequirePath(HostTool.OvmfVars);

    public static byte[] Read() => File.ReadAllBytes(Path);
}
