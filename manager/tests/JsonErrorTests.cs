using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests;

/// <summary>
/// With `--json`, an error is also JSON on stdout (`{"error":..., "exitCode":...}`), next to its one line on
/// stderr: a script parsing stdout reads the error instead of an empty string. Real manager process.
/// </summary>
public sealed class JsonErrorTests : IDisposable
{
    private readonly TempFolder _folder = new("json-error");

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Errors() => new() { "verify-a-folder", "verify-no-trust", "inspect-a-folder", "unknown-option" };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Json_Error_StdoutIsOneJsonErrorStderrTheSameLine(string scenario)
    {
        string folder = Directory.CreateDirectory(_folder.Combine("capsules")).FullName;
        string[] arguments = scenario switch
        {
            "verify-a-folder" => new[] { "image", "verify", folder, "--trusted-key", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lowest-supported", "0", "--json" },
            "verify-no-trust" => new[] { "image", "verify", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lowest-supported", "0", "--json" },
            "inspect-a-folder" => new[] { "image", "inspect", folder, "--json" },
            "unknown-option" => new[] { "image", "inspect", folder, "--json", "--no-such-option" },
            _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null),
        };
        string expected = scenario switch
        {
            "verify-a-folder" => "image verify: " + folder + ": not a regular file (a directory)",
            "verify-no-trust" => "image verify: give at least one of --trusted, --trusted-key-hash",
            "inspect-a-folder" => "image inspect: " + folder + ": not a regular file (a directory)",
            _ => "uefirecovery-manager: Unrecognized command or argument '--no-such-option'.",
        };

        int expectedExit = scenario is "verify-a-folder" or "inspect-a-folder" ? ExitCodes.Configuration : ExitCodes.Usage;

        var run = await ManagerCli.RunAsync(arguments);

        Assert.Equal(expectedExit, run.ExitCode);
        using JsonDocument error = JsonDocument.Parse(run.Stdout);
        Assert.Equal(expected, error.RootElement.GetProperty("error").GetString());
        Assert.Equal(expectedExit, error.RootElement.GetProperty("exitCode").GetInt32());
        Assert.StartsWith(expected + "\n", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_NotAsked_StdoutEmptyOnError()
    {
        var run = await ManagerCli.RunAsync(new[] { "image", "inspect", Directory.CreateDirectory(_folder.Combine("c")).FullName });
        Assert.Equal(ExitCodes.Configuration, run.ExitCode);
        Assert.Equal("", run.Stdout);
    }
}
