using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving;

/// <summary>
/// The live view in a real pseudo-terminal (tmux, 80 columns), against the real `serve` and real simulated machines: no
/// line wraps, one line per machine with its MAC first, and the summary left on the screen after Ctrl+C.
/// </summary>
public sealed class LiveViewTerminalTests
{
    private const int Columns = 80;

    [LinuxOnlyFact("tmux gives the pseudo-terminal; the project runs on Debian")]
    public async Task LiveView_TmuxAt80Columns_NoLineWrapsMachinesMacFirstSummaryOnExit()
    {
        using var folder = new TempFolder();
        string images = Directory.CreateDirectory(folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 1 << 20, seed: 4, SharedFiles.TrustedPrivateKey);
        int port = FreeUdpPort();
        string script = folder.Combine("serve.sh");
        File.WriteAllText(script, string.Join(' ', new[]
        {
            ManagerProcess.DotnetHost, ManagerProcess.ManagerDll, "serve", "--images", images, "--listen", "127.0.0.1:" + port,
            "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey, "--results", folder.Combine("results.jsonl"),
            "--status-http", "off", "--gather", "0.3",
        }.Select(Quote)) + "\n");
        string session = "uefirecovery-live-" + Environment.ProcessId + "-" + port;
        Tmux("new-session", "-d", "-s", session, "-x", Columns.ToString(), "-y", "50", "sh " + Quote(script));
        try
        {
            // Ctrl+C ends serve and the shell around it: the pane stays, with what serve left on it.
            Tmux("set-window-option", "-t", session, "remain-on-exit", "on");
            await WaitForScreenAsync(session, s => s.Contains("UefiRecovery manager  udp 127.0.0.1:" + port, StringComparison.Ordinal), "the live view's header");

            var (run, _) = await ManagerCli.SimulateAsync(new[]
            {
                "--clients", "3", "--manager", "127.0.0.1:" + port, "--bind", "127.0.0.1", "--client-port", "0",
                "--trusted", SharedFiles.TrustedPublicKey, "--out", folder.Combine("out"), "--timeout", "120",
            }, folder.Combine("report.json"));
            Assert.True(run.ExitCode == 0, run.Stderr);

            var machineLine = new Regex(@"^[0-9a-f]{2}(:[0-9a-f]{2}){5} +done +success", RegexOptions.Multiline);
            string screen = await WaitForScreenAsync(session, s => machineLine.Matches(s).Count == 3, "three machines done, MAC first");
            // -J joins a wrapped line back into one: any joined line wider than the pane was wrapped.
            // The live view's own lines: from its header on (start-up log lines before it are not the view).
            string[] lines = Tmux("capture-pane", "-p", "-J", "-t", session).Split('\n')
                .SkipWhile(line => !line.StartsWith("UefiRecovery manager", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(lines);
            Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= Columns, "wrapped at " + Columns + " columns: " + line + "\n" + screen));
            Assert.Contains(lines, line => line.StartsWith("session ", StringComparison.Ordinal) && line.Contains("fw.cap", StringComparison.Ordinal));

            Tmux("send-keys", "-t", session, "C-c");
            await WaitForScreenAsync(session, s => s.Contains("summary: 3 recovered, 0 failed, 0 unfinished, 3 results recorded", StringComparison.Ordinal),
                "the summary serve leaves after Ctrl+C");
        }
        finally
        {
            TryTmux("kill-session", "-t", session);
        }
    }

    private static async Task<string> WaitForScreenAsync(string session, Func<string, bool> ready, string what)
    {
        string screen = "";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            screen = Tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
            if (ready(screen)) return screen;
            await Task.Delay(250);
        }
        throw new Xunit.Sdk.XunitException("no " + what + " on the 80-column screen within 90 s:\n" + screen);
    }

    private static string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("tmux did not start (Debian package tmux)");
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("tmux " + string.Join(' ', arguments) + ": " + error);
        return output;
    }

    private static void TryTmux(params string[] arguments)
    {
        try { Tmux(arguments); } catch (InvalidOperationException) { }
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
