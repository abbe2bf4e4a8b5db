using System;
using System.Runtime.InteropServices;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>
    /// A fact that needs root, /dev/net/tun and the named tools. When any is missing the test is
    /// reported as skipped with the reason (xUnit 2 has no runtime skip; a Skip set here is static
    /// per run). CI runs as root, so there these tests run.
    /// </summary>
    public sealed class RootFactAttribute : FactAttribute
    {
        [DllImport("libc")] private static extern uint geteuid();

        public RootFactAttribute(params string[] tools)
        {
            if (!OperatingSystem.IsLinux()) { Skip = "needs Linux network namespaces and TAP"; return; }
            if (geteuid() != 0) { Skip = "needs root to create a network namespace and a TAP device (run as root, as CI does)"; return; }
            if (!System.IO.File.Exists("/dev/net/tun")) { Skip = "/dev/net/tun is missing"; return; }
            foreach (string tool in tools)
                if (!Shell.OnPath(tool)) { Skip = $"'{tool}' is not installed"; return; }
        }
    }
}
