using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Cli;

/// <summary>
/// `--json` on every command (docs/operating.md §6.0), through the real manager process: a failing command prints
/// one JSON error object on stdout whose message is its stderr line and whose exitCode is its exit code; the
/// results of the commands that print them are JSON a script can read. The list of commands comes from the
/// manager's own command tree, so a command added without a row here fails the first test.
/// </summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly TempFolder _folder = new("json-output");

    public JsonOutputTests()
    {
        Directory.CreateDirectory(_folder.Combine("a-folder"));
        Directory.CreateDirectory(_folder.Combine("images"));
    }

    public void Dispose() => _folder.Dispose();

    private static readonly string Capsule4k = Path.Combine(SharedFiles.SharedDir, "vectors", "edk2-capsules", "rsa2048", "A_rsa2048_testkey_payload4k.cap");

    // One failing command line per command (each fails for a reason its command reports itself).
    private Dictionary<string, string[]> FailingLines()
    {
        string folder = _folder.Combine("a-folder");
        return new Dictionary<string, string[]>
        {
            ["image pack"] = new[] { "image", "pack", "--payload", Capsule4k, "--image-type", SharedFiles.ImageType, "--version", "2", "--lsv", "1", "-o", _folder.Combine("x.cap") },
            ["image verify"] = new[] { "image", "verify", folder, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", "0" },
            ["image inspect"] = new[] { "image", "inspect", folder },
            ["image key-hash"] = new[] { "image", "key-hash", folder },
            ["image machine-config"] = new[] { "image", "machine-config", Capsule4k },
            ["serve"] = new[] { "serve", "--images", _folder.Combine("nowhere"), "--trusted", SharedFiles.TrustedPublicKey, "--listen", "127.0.0.1:0", "--status-http", "off", "--results", "off" },
            ["simulate"] = new[] { "simulate", "--clients", "0" },
            ["benchmark"] = new[] { "benchmark", "--loss", "200" },
            ["instruct"] = new[] { "instruct", "--agent", "127.0.0.1", "--mac", "not-a-mac", "--uuid", "8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40", "--key", SharedFiles.TrustedPrivateKey },
            ["plan"] = new[] { "plan", "--loss", "200%" },
        };
    }

    [Fact]
    public void EveryCommand_HasAFailingLineHere()
    {
        var leaves = new List<string>();
        void Walk(Command command, string path)
        {
            if (command.Subcommands.Count == 0) leaves.Add(path);
            foreach (Command sub in command.Subcommands) Walk(sub, path.Length == 0 ? sub.Name : path + " " + sub.Name);
        }
        Walk(Program.BuildRoot(), "");

        Assert.Equal(leaves.OrderBy(x => x, StringComparer.Ordinal), FailingLines().Keys.OrderBy(x => x, StringComparer.Ordinal));
    }

    public static TheoryData<string> Commands() => new()
    {
        "image pack", "image verify", "image inspect", "image key-hash", "image machine-config", "serve", "simulate", "benchmark", "instruct", "plan",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_FailsWithJson_OneErrorObjectCarryingItsStderrLineAndExitCode(string command)
    {
        string[] arguments = FailingLines()[command].Append("--json").ToArray();

        var run = await ManagerCli.RunAsync(arguments, timeout: TimeSpan.FromMinutes(2));

        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        string[] stdout = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string lastError = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l != "(--help lists the options)") ?? "";
        Assert.True(stdout.Length == 1, $"{command}: stdout is not one line:\n{run.Stdout}\nstderr:\n{run.Stderr}");
        using JsonDocument error = JsonDocument.Parse(stdout[0]);
        Assert.Equal(run.ExitCode, error.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(lastError.TrimEnd('\r'), error.RootElement.GetProperty("error").GetString());
        Assert.StartsWith(command.Split(' ')[^1], error.RootElement.GetProperty("error").GetString()!.Replace("image ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pack_Json_DescribesTheFileItWrote()
    {
        string output = _folder.Combine("packed.cap");
        var run = await ManagerCli.RunAsync(new[] { "image", "pack", "--payload", Capsule4k, "--image-type", SharedFiles.ImageType,
            "--version", "0x00010002", "--lsv", "65536", "--key", SharedFiles.TrustedPrivateKey, "-o", output, "--json" });

        Assert.True(run.ExitCode == 0, run.Stderr);
        using JsonDocument packed = JsonDocument.Parse(run.Stdout);
        JsonElement root = packed.RootElement;
        byte[] written = File.ReadAllBytes(output);
        Assert.Equal(output, root.GetProperty("output").GetString());
        Assert.Equal(written.Length, root.GetProperty("bytes").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(written)), root.GetProperty("capsuleSha256").GetString());
        Assert.Equal("0x00010002", root.GetProperty("version").GetString());
        Assert.Equal("0x00010000", root.GetProperty("lsv").GetString());
        Assert.Equal("rsa2048", root.GetProperty("format").GetString());
    }

    [Fact]
    public async Task KeyHash_Json_TheSameSettingAsTheTextLine()
    {
        var text = await ManagerCli.RunAsync(new[] { "image", "key-hash", SharedFiles.TrustedPublicKey });
        var json = await ManagerCli.RunAsync(new[] { "image", "key-hash", SharedFiles.TrustedPublicKey, "--json" });

        Assert.Equal(0, json.ExitCode);
        using JsonDocument setting = JsonDocument.Parse(json.Stdout);
        Assert.Equal(text.Stdout.Trim(), setting.RootElement.GetProperty("setting").GetString());
        Assert.Equal("uefirecovery.trust.rsa2048", setting.RootElement.GetProperty("name").GetString());
        Assert.Equal(64, setting.RootElement.GetProperty("value").GetString()!.Length);
    }

    [Fact]
    public async Task MachineConfig_Json_IsFormatJson_AndAnotherFormatBesideItIsAUsageError()
    {
        string[] line = { "image", "machine-config", Capsule4k, "--trusted", SharedFiles.TrustedPublicKey, "--manager", "10.0.0.5" };
        var formatJson = await ManagerCli.RunAsync(line.Append("--format").Append("json"));
        var json = await ManagerCli.RunAsync(line.Append("--json"));
        var both = await ManagerCli.RunAsync(line.Concat(new[] { "--format", "qemu", "--json" }));

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(formatJson.Stdout, json.Stdout);
        using (JsonDocument.Parse(json.Stdout)) { }
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        using JsonDocument error = JsonDocument.Parse(both.Stdout);
        Assert.Contains("--format qemu", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstructOut_Json_OneEventPerLine()
    {
        string key = _folder.Combine("instruction-key.pem");
        using (RSA rsa = RSA.Create(2048)) File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        string datagram = _folder.Combine("instruction.bin");

        var run = await ManagerCli.RunAsync(new[] { "instruct", "--out", datagram, "--key", key, "--mac", "52:54:00:12:34:56",
            "--uuid", "8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40", "--manager", "10.0.0.5", "--json" });

        Assert.True(run.ExitCode == 0, run.Stderr);
        string[] lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using JsonDocument instruction = JsonDocument.Parse(lines[0]);
        using JsonDocument written = JsonDocument.Parse(lines[1]);
        Assert.Equal("instruction", instruction.RootElement.GetProperty("event").GetString());
        Assert.Equal("52:54:00:12:34:56", instruction.RootElement.GetProperty("mac").GetString());
        Assert.True(instruction.RootElement.GetProperty("counter").GetUInt64() > 0, "a counter");
        Assert.Equal("written", written.RootElement.GetProperty("event").GetString());
        Assert.Equal(new FileInfo(datagram).Length, written.RootElement.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Serve_Json_EveryStdoutLineIsJson_ReadyIsAnEvent()
    {
        File.Copy(Capsule4k, _folder.Combine("images/a.cap"));
        var start = new ProcessStartInfo { FileName = ManagerProcess.DotnetHost, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { ManagerProcess.ManagerDll, "serve", "--images", _folder.Combine("images"), "--trusted", SharedFiles.TrustedPublicKey,
                     "--listen", "127.0.0.1:0", "--status-http", "off", "--results", _folder.Combine("r.jsonl"), "--json" })
            start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        var lines = new List<string>();
        var stderr = new System.Text.StringBuilder();
        var readySeen = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            try
            {
                using JsonDocument document = JsonDocument.Parse(e.Data);
                if (document.RootElement.TryGetProperty("event", out JsonElement kind) && kind.GetString() == "ready") readySeen.TrySetResult(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                readySeen.TrySetException(new Xunit.Sdk.XunitException("a stdout line that is not JSON: " + e.Data));
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        JsonElement? ready;
        try
        {
            Task first = await Task.WhenAny(readySeen.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(1)));
            Assert.True(readySeen.Task.IsCompleted, "no ready event from serve --json:\n" + string.Join('\n', lines) + "\nstderr:\n" + stderr);
            ready = await readySeen.Task;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.StartsWith("127.0.0.1:", ready!.Value.GetProperty("udp").GetString(), StringComparison.Ordinal);
        Assert.Equal("off", ready.Value.GetProperty("http").GetString());
        // The catalog's log line about the capsule came as a JSON log record before ready.
        Assert.Contains(lines, l => l.Contains("\"Category\"", StringComparison.Ordinal) && l.Contains("a.cap", StringComparison.Ordinal));
    }
}
