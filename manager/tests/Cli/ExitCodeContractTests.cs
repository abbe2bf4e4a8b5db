using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Cli;

/// <summary>
/// The exit-code classes of docs/operating.md §6 side by side, one row per class and command, through the real
/// manager process: each failure is one line on stderr (no stack trace), and its code says which class it is, so a
/// script or a service manager can tell a wrong command line (2) from an unusable file or setting (7), a resource not
/// available now (6) and a rejected capsule (1).
/// </summary>
public sealed class ExitCodeContractTests : IDisposable
{
    private readonly TempFolder _folder = new("exit-contract");
    private readonly UdpClient _busy = new(new IPEndPoint(IPAddress.Loopback, 0));

    public ExitCodeContractTests()
    {
        Directory.CreateDirectory(_folder.Combine("images"));
        Directory.CreateDirectory(_folder.Combine("a-folder"));
        // An existing 0600 secret: serve says nothing about it, so stderr holds only the failure.
        File.WriteAllBytes(_folder.Combine("s"), new byte[32]);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_folder.Combine("s"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose()
    {
        _busy.Dispose();
        _folder.Dispose();
    }

    private static readonly string Capsule4k = Path.Combine(SharedFiles.SharedDir, "vectors", "edk2-capsules", "rsa2048", "A_rsa2048_testkey_payload4k.cap");

    public static TheoryData<string> Rows() => new()
    {
        "usage-unknown-option", "usage-bad-value", "usage-pack-lsv-above-version",
        "configuration-verify-a-folder", "configuration-pack-public-key", "configuration-key-hash-a-folder", "configuration-serve-no-images", "configuration-serve-no-trust",
        "unavailable-serve-port-busy",
        "rejected-verify-rollback",
    };

    private (string[] Arguments, int Exit, string Class) Row(string row)
    {
        string folder = _folder.Combine("a-folder");
        string images = _folder.Combine("images");
        string[] serve = { "--listen", "127.0.0.1:0", "--status-http", "off", "--results", _folder.Combine("r.jsonl"), "--secret-file", _folder.Combine("s"), "--live", "false" };
        string[] pack = { "image", "pack", "--payload", Capsule4k, "--image-type", SharedFiles.ImageType, "-o", _folder.Combine("out.cap") };
        return row switch
        {
            "usage-unknown-option" => (new[] { "image", "inspect", Capsule4k, "--frobnicate" }, ExitCodes.Usage, "usage"),
            "usage-bad-value" => (new[] { "serve", "--images", images, "--delivery", "carrier-pigeon" }, ExitCodes.Usage, "usage"),
            "usage-pack-lsv-above-version" => (pack.Concat(new[] { "--version", "1", "--lsv", "2", "--key", SharedFiles.TrustedPrivateKey }).ToArray(), ExitCodes.Usage, "usage"),
            "configuration-verify-a-folder" => (new[] { "image", "verify", folder, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", "0" }, ExitCodes.Configuration, "configuration"),
            "configuration-pack-public-key" => (pack.Concat(new[] { "--version", "2", "--lsv", "1", "--key", SharedFiles.TrustedPublicKey }).ToArray(), ExitCodes.Configuration, "configuration"),
            "configuration-key-hash-a-folder" => (new[] { "image", "key-hash", folder }, ExitCodes.Configuration, "configuration"),
            "configuration-serve-no-images" => (new[] { "serve", "--images", _folder.Combine("nowhere"), "--trusted", SharedFiles.TrustedPublicKey }.Concat(serve).ToArray(), ExitCodes.Configuration, "configuration"),
            "configuration-serve-no-trust" => (new[] { "serve", "--images", images }.Concat(serve).ToArray(), ExitCodes.Configuration, "configuration"),
            "unavailable-serve-port-busy" => (new[] { "serve", "--images", images, "--trusted", SharedFiles.TrustedPublicKey }.Concat(serve)
                .Select(a => a == "127.0.0.1:0" ? "127.0.0.1:" + ((IPEndPoint)_busy.Client.LocalEndPoint!).Port : a).ToArray(), ExitCodes.Unavailable, "unavailable"),
            "rejected-verify-rollback" => (new[] { "image", "verify", Capsule4k, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", "0x00010003" }, ExitCodes.Rejected, "rejected"),
            _ => throw new ArgumentOutOfRangeException(nameof(row), row, null),
        };
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Command_FailureOfAClass_ItsCodeOneLineNoStackTrace(string row)
    {
        var (arguments, exit, kind) = Row(row);

        var run = await ManagerCli.RunAsync(arguments, timeout: TimeSpan.FromMinutes(2));

        Assert.True(exit == run.ExitCode, $"{row}: exit {run.ExitCode}, expected {exit}\n{run.Stdout}\n{run.Stderr}");
        string[] errorLines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (kind == "rejected")
        {
            Assert.Empty(errorLines); // a verdict, not an error: on stdout
            Assert.StartsWith("REJECT ", run.Stdout, StringComparison.Ordinal);
        }
        else if (kind == "usage" && errorLines.Length == 2)
        {
            Assert.Equal("(--help lists the options)", errorLines[1]); // the parser's errors add where to look
        }
        else
        {
            Assert.Single(errorLines);
        }
        Assert.DoesNotContain(" at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ready udp=", run.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Combine("out.cap")), "nothing written");
    }

    [Fact]
    public void ExitCodes_EveryClass_Distinct()
    {
        int[] codes = { ExitCodes.Ok, ExitCodes.Rejected, ExitCodes.Usage, ExitCodes.InternalError, ExitCodes.MissingPrerequisite, ExitCodes.Unavailable, ExitCodes.Configuration };
        Assert.Equal(codes.Length, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("image", "verify")]
    [InlineData("image", "inspect")]
    public async Task Json_ConfigurationError_JsonObjectWithTheSameCode(string group, string command)
    {
        string folder = _folder.Combine("a-folder");
        string[] arguments = command == "verify"
            ? new[] { group, command, folder, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", "0", "--json" }
            : new[] { group, command, folder, "--json" };

        var run = await ManagerCli.RunAsync(arguments);

        Assert.Equal(ExitCodes.Configuration, run.ExitCode);
        using JsonDocument error = JsonDocument.Parse(run.Stdout);
        Assert.Equal(ExitCodes.Configuration, error.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal("image " + command + ": " + folder + ": not a regular file (a directory)", error.RootElement.GetProperty("error").GetString());
    }
}
