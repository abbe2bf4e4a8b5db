using System;
using System.Diagnostics;

namespace UefiRecovery.Netstack.Tests.Integration
{
    /// <summary>Runs host commands (ip, ping, dnsmasq, python3) for the integration tests.</summary>
    public static class Shell
    {
        public readonly record struct Result(int ExitCode, string Output, string Error)
        {
            public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
        }

        public static Result Run(string file, string arguments, int timeoutMs = 20_000)
        {
            var psi = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutMs))
            {
                try { p.Kill(true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                return new Result(-1, stdout.Result, stderr.Result + "\n(timed out)");
            }
            p.WaitForExit();
            return new Result(p.ExitCode, stdout.Result, stderr.Result);
        }

        /// <summary>Runs and requires exit code 0.</summary>
        public static string Must(string file, string arguments)
        {
            Result r = Run(file, arguments);
            if (r.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed: {r}");
            return r.Output;
        }

        public static Process Start(string file, string arguments)
        {
            var psi = new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            return Process.Start(psi)!;
        }

        public static bool OnPath(string tool)
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
                if (dir.Length > 0 && System.IO.File.Exists(System.IO.Path.Combine(dir, tool))) return true;
            return System.IO.File.Exists("/usr/sbin/" + tool) || System.IO.File.Exists("/sbin/" + tool);
        }
    }
}
