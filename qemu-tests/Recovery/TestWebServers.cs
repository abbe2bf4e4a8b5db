using System;
using System.Globalization;
using System.IO;
using System.Threading;
using UefiRecovery.Testbed.Network;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Web servers for the HTTP source (docs/http-source.md) inside a test's namespace: Debian's <c>python3 -m http.server</c>
/// serving a folder, and the wait until a server (that one or a test's own script) listens.
/// </summary>
internal static class TestWebServers
{
    public const string Python = "/usr/bin/python3";

    /// <summary>
    /// Writes <paramref name="content"/> to <c>www/<paramref name="fileName"/></c> under <paramref name="runDirectory"/>
    /// and serves that folder with <c>python3 -m http.server</c> on <paramref name="bindAddress"/>:<paramref name="port"/>;
    /// returns once it listens. The URL is <c>http://bindAddress:port/fileName</c>.
    /// </summary>
    public static NamespaceProcess ServeFile(NetworkNamespace ns, string bindAddress, int port, string runDirectory, string fileName, byte[] content)
    {
        string webRoot = Directory.CreateDirectory(Path.Combine(runDirectory, "www")).FullName;
        File.WriteAllBytes(Path.Combine(webRoot, fileName), content);
        return ServeFolder(ns, bindAddress, port, webRoot);
    }

    /// <summary><c>python3 -m http.server</c> serving <paramref name="webRoot"/>; returns once it listens.</summary>
    public static NamespaceProcess ServeFolder(NetworkNamespace ns, string bindAddress, int port, string webRoot)
    {
        NamespaceProcess web = ns.StartProcess(Python, "-m", "http.server", port.ToString(CultureInfo.InvariantCulture),
            "--bind", bindAddress, "--directory", webRoot);
        try
        {
            WaitListening(ns, port, web);
            return web;
        }
        catch
        {
            web.Dispose();
            throw;
        }
    }

    /// <summary>Waits (at most 10 s) until a TCP socket listens on <paramref name="port"/>; a server that exited is an error with its output.</summary>
    public static void WaitListening(NetworkNamespace ns, int port, NamespaceProcess process)
    {
        for (int i = 0; i < 100; i++)
        {
            if (ns.Exec("ss", "-ltnH", "sport", "= :" + port).StandardOutput.Contains(":" + port, StringComparison.Ordinal)) return;
            if (process.HasExited) throw new InvalidOperationException(process.CommandLine + " exited:\n" + process.Output);
            Thread.Sleep(100);
        }
        throw new TimeoutException("nothing listens on port " + port + ":\n" + process.Output);
    }
}
