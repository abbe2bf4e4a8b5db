using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Cli;

/// <summary>
/// The CLI vocabulary of docs/operating.md §6.1 through the real manager process: one name per concept with the old
/// spellings still working, decimal and 0x hex for every version/id option, one printed form per kind of value,
/// errors that name the accepted values, an example and placeholders in every --help.
/// </summary>
public sealed class CliVocabularyTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-vocab");

    public void Dispose() => _folder.Dispose();

    private static string Vector(string relative) => Path.Combine(SharedFiles.SharedDir, "vectors", "edk2-capsules", relative);

    private static readonly string Capsule4k = Vector("rsa2048/A_rsa2048_testkey_payload4k.cap"); // FwVersion 0x00010002, LSV 0x00010000

    // ---- aliases -------------------------------------------------------------------------------------------

    /// <summary>Trust anchor option, rollback-floor option, floor value, expected exit code (0 accepted, 1 rejected).</summary>
    public static TheoryData<string, string, string, int> VerifyAliasRows() => new()
    {
        { "--trusted", "--lsv", "0x00010000", 0 },
        { "--trusted-key", "--lsv", "0x00010000", 0 },
        { "--trusted-root", "--lowest-supported", "65536", 0 },
        { "--trusted", "--lowest-supported", "0x00010003", 1 },
        { "--trusted-key", "--lowest-supported", "65539", 1 },
        { "--trusted", "--lsv", "65539", 1 },
    };

    [Theory]
    [MemberData(nameof(VerifyAliasRows))]
    public async Task Verify_NewAndOldOptionNames_SameVerdict(string trustOption, string floorOption, string floor, int expectedExit)
    {
        var run = await ManagerCli.RunAsync(new[]
        {
            "image", "verify", Capsule4k, trustOption, SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, floorOption, floor,
        });

        Assert.True(expectedExit == run.ExitCode, run.Stdout + run.Stderr);
        Assert.StartsWith(expectedExit == 0 ? "ACCEPT" : "REJECT 304 RollbackBelowStoredLowestSupported:", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NoFloorUnderEitherName_UsageErrorNotRejection()
    {
        var run = await ManagerCli.RunAsync(new[] { "image", "verify", Capsule4k, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType });

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("image verify: give --lsv, the machine's stored LowestSupportedVersion (0 when it has none)", run.Stderr.Trim());
        Assert.Equal("", run.Stdout);
    }

    /// <summary>Rollback-floor option of simulate (new name, old name), its value, and whether the machine recovers (capsule is 0x00010002).</summary>
    public static TheoryData<string, string, bool> SimulateFloorRows() => new()
    {
        { "--lsv", "0x00010000", true },
        { "--lowest-version", "0x00010000", true }, // #17: this exact command line failed before
        { "--lsv", "65538", true },
        { "--lowest-version", "65538", true },
        { "--lsv", "0x00010003", false },
        { "--lowest-version", "65539", false },
    };

    [Theory]
    [MemberData(nameof(SimulateFloorRows))]
    public async Task Simulate_FloorUnderNewOrOldNameHexOrDecimal_FloorIsApplied(string option, string value, bool recovers)
    {
        string images = Directory.CreateDirectory(_folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 64 << 10, seed: 3, SharedFiles.TrustedPrivateKey);
        await using var manager = await StartServeAsync(images);

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, option, value, "--timeout", recovers ? "120" : "8",
        }, _folder.Combine("report.json"));

        Assert.True((recovers ? ExitCodes.Ok : ExitCodes.Rejected) == run.ExitCode, run.Stderr + "\n--- manager ---\n" + manager.Output);
        Assert.Equal(recovers, report!.RootElement.GetProperty("results")[0].GetProperty("succeeded").GetBoolean());
    }

    // ---- numbers: decimal and 0x hex -----------------------------------------------------------------------

    /// <summary>A pack option, its value in hex and in decimal, the inspect section and field it lands in.</summary>
    public static TheoryData<string, string, string, string, string> PackNumberRows() => new()
    {
        { "--version", "0x00010002", "65538", "FMP_PAYLOAD_HEADER", "FwVersion" },
        { "--lsv", "0x00010001", "65537", "FMP_PAYLOAD_HEADER", "LowestSupportedVersion" },
        { "--monotonic-count", "0x1F", "31", "EFI_FIRMWARE_IMAGE_AUTHENTICATION", "MonotonicCount" },
        { "--hardware-instance", "0x0000_0003", "3", "EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER", "UpdateHardwareInstance" },
        { "--image-index", "0x02", "2", "EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER", "UpdateImageIndex" },
    };

    [Theory]
    [MemberData(nameof(PackNumberRows))]
    public async Task Pack_NumberInHexOrDecimal_SameFieldValue(string option, string hex, string decimalText, string section, string field)
    {
        ulong fromHex = await PackAndReadFieldAsync("hex.cap", option, hex, section, field);
        ulong fromDecimal = await PackAndReadFieldAsync("dec.cap", option, decimalText, section, field);

        Assert.Equal(ulong.Parse(decimalText, System.Globalization.CultureInfo.InvariantCulture), fromHex);
        Assert.Equal(fromHex, fromDecimal);
    }

    private async Task<ulong> PackAndReadFieldAsync(string name, string option, string value, string section, string field)
    {
        string output = _folder.Combine(name);
        var args = new System.Collections.Generic.List<string>
        {
            "image", "pack", "--payload", Vector("inputs/payload_4k_0-255.bin"), "--image-type", SharedFiles.ImageType,
            "--key", SharedFiles.TrustedPrivateKey, "-o", output,
        };
        if (option != "--version") args.AddRange(new[] { "--version", "0x00010002" });
        if (option != "--lsv") args.AddRange(new[] { "--lsv", "0x00010000" });
        args.AddRange(new[] { option, value });
        var pack = await ManagerCli.RunAsync(args);
        Assert.True(pack.ExitCode == 0, pack.Stderr);
        var inspect = await ManagerCli.RunAsync(new[] { "image", "inspect", output, "--json" });
        Assert.Equal(0, inspect.ExitCode);
        using JsonDocument json = JsonDocument.Parse(inspect.Stdout);
        return json.RootElement.GetProperty(section).GetProperty(field).GetUInt64();
    }

    /// <summary>A verify option with the same value in hex and decimal, and the verdict both must give.</summary>
    public static TheoryData<string, string, string, int> VerifyNumberRows() => new()
    {
        { "--current-version", "0x00010001", "65537", 0 },
        { "--hardware-instance", "0x3", "3", 0 },
        { "--image-index", "0x01", "1", 0 },
        { "--region-size", "0x2000", "8192", 0 },
        { "--region-size", "0x800", "2048", 1 }, // 4 KiB payload does not fit 2 KiB: rejected either way
        { "--lsv", "0x00010003", "65539", 1 },
    };

    [Theory]
    [MemberData(nameof(VerifyNumberRows))]
    public async Task Verify_NumberInHexOrDecimal_SameVerdict(string option, string hex, string decimalText, int expectedExit)
    {
        string[] Args(string value) => option == "--lsv"
            ? new[] { "image", "verify", Capsule4k, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", value }
            : new[] { "image", "verify", Capsule4k, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", "0", option, value };

        var fromHex = await ManagerCli.RunAsync(Args(hex));
        var fromDecimal = await ManagerCli.RunAsync(Args(decimalText));

        Assert.True(expectedExit == fromHex.ExitCode, fromHex.Stdout + fromHex.Stderr);
        Assert.Equal(fromHex.ExitCode, fromDecimal.ExitCode);
        Assert.Equal(fromHex.Stdout, fromDecimal.Stdout);
    }

    /// <summary>A simulate option with the same value in hex and decimal (the floor has its own test above).</summary>
    public static TheoryData<string, string, string> SimulateNumberRows() => new()
    {
        { "--current-version", "0x00010001", "65537" },
        { "--capacity", "0x00100000", "1048576" },
    };

    [Theory]
    [MemberData(nameof(SimulateNumberRows))]
    public async Task Simulate_NumberInHexOrDecimal_Recovers(string option, string hex, string decimalText)
    {
        string images = Directory.CreateDirectory(_folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 64 << 10, seed: 4, SharedFiles.TrustedPrivateKey);
        await using var manager = await StartServeAsync(images);

        foreach (string value in new[] { hex, decimalText })
        {
            var (run, report) = await ManagerCli.SimulateAsync(new[]
            {
                "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
                "--trusted", SharedFiles.TrustedPublicKey, option, value, "--timeout", "120",
            }, _folder.Combine("report-" + value + ".json"));
            Assert.True(run.ExitCode == 0, value + ": " + run.Stderr);
            Assert.True(report!.RootElement.GetProperty("results")[0].GetProperty("succeeded").GetBoolean());
        }
    }

    [Fact]
    public async Task Simulate_CapacityInHexTooSmall_MachineRefusesImage()
    {
        // The capacity is applied, not only parsed: 0x400 bytes cannot hold a 64 KiB capsule.
        string images = Directory.CreateDirectory(_folder.Combine("images")).FullName;
        await ManagerCli.PackCapsuleAsync(images, "fw.cap", 64 << 10, seed: 5, SharedFiles.TrustedPrivateKey);
        await using var manager = await StartServeAsync(images);

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--capacity", "0x400", "--timeout", "8",
        }, _folder.Combine("report.json"));

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        Assert.False(report!.RootElement.GetProperty("results")[0].GetProperty("succeeded").GetBoolean());
    }

    /// <summary>`instruct --version` (for the log) in hex, in decimal, and not a number.</summary>
    public static TheoryData<string, int> InstructVersionRows() => new()
    {
        { "0x00010002", 5 }, // parsed: the instruction is sent; nobody answers on port 1, so exit 5 (no report)
        { "65538", 5 },
        { "0x1G", 2 },
    };

    [Theory]
    [MemberData(nameof(InstructVersionRows))]
    public async Task Instruct_VersionInHexOrDecimal_Accepted(string version, int expectedExit)
    {
        var run = await ManagerCli.RunAsync(new[]
        {
            "instruct", "--agent", "127.0.0.1:1", "--key", SharedFiles.TrustedPrivateKey, "--mac", "52:54:00:12:34:56",
            "--uuid", "8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40", "--manager", "127.0.0.1", "--counter-file", _folder.Combine("counter"),
            "--version", version, "--timeout", "1", "--bind", "127.0.0.1",
        });

        Assert.True(expectedExit == run.ExitCode, run.Stdout + run.Stderr);
        if (expectedExit == 2)
            Assert.Equal("instruct: --version: not a number 0..4294967295 (decimal, or hex with 0x, e.g. 0x00010002)", run.Stderr.Trim());
        else
            Assert.StartsWith("instruction id=0x", run.Stdout, StringComparison.Ordinal);
    }

    // ---- value errors --------------------------------------------------------------------------------------

    /// <summary>A command line with one bad value, and the one line it must print (after "uefirecovery-manager: ").</summary>
    public static TheoryData<string[], string> ValueErrorRows() => new()
    {
        { new[] { "serve", "--images", "/nonexistent", "--delivery", "foo" }, "--delivery: 'foo' is not one of broadcast, multicast, unicast" },
        { new[] { "serve", "--images", "/nonexistent", "--log-level", "loud" }, "--log-level: 'loud' is not one of trace, debug, information, warning, error, critical, none" },
        { new[] { "image", "inspect", "x.cap", "--log-level", "7" }, "--log-level: '7' is not one of trace, debug, information, warning, error, critical, none" },
        { new[] { "image", "pack", "--payload", "p", "--image-type", SharedFiles.ImageType, "--version", "1", "--lsv", "1", "-o", "x", "--format", "rsa4096" }, "--format: 'rsa4096' is not one of rsa2048, pkcs7" },
        { new[] { "simulate", "--manager", "127.0.0.1", "--clients", "many" }, "--clients: 'many' is not a whole number" },
        { new[] { "serve", "--images", "/nonexistent", "--rate", "fast" }, "--rate: 'fast' is not a number (e.g. 2.5)" },
        { new[] { "simulate", "--manager", "127.0.0.1", "--lsv", "0x1G" }, "--lsv: '0x1G' is not a number 0..4294967295 (decimal, or hex with 0x, e.g. 0x00010002)" },
        { new[] { "simulate", "--manager", "127.0.0.1", "--lowest-version", "-1" }, "--lowest-version: '-1' is not a number 0..4294967295 (decimal, or hex with 0x, e.g. 0x00010002)" },
        { new[] { "image", "pack", "--payload", "p", "--image-type", SharedFiles.ImageType, "--version", "0x1_0000_0000", "--lsv", "1", "-o", "x" }, "--version: '0x1_0000_0000' is not a number 0..4294967295 (decimal, or hex with 0x, e.g. 0x00010002)" },
        { new[] { "image", "verify", "x.cap", "--trusted", "k", "--image-type", SharedFiles.ImageType, "--lsv", "0", "--image-index", "256" }, "--image-index: '256' is not a number 0..255 (decimal, or hex with 0x, e.g. 0x000000FF)" },
    };

    [Theory]
    [MemberData(nameof(ValueErrorRows))]
    public async Task CommandLine_BadValue_OneLineNamingAcceptedValuesExitTwo(string[] arguments, string expected)
    {
        var run = await ManagerCli.RunAsync(arguments);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(new[] { "uefirecovery-manager: " + expected, "(--help lists the options)" }, lines);
        Assert.DoesNotContain("System.", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists("x"), "nothing written");
    }

    // ---- printed formats -----------------------------------------------------------------------------------

    [Fact]
    public async Task Serve_OneMachine_VersionSessionAndHashPrintedOneWayEverywhere()
    {
        string images = Directory.CreateDirectory(_folder.Combine("images")).FullName;
        string capsule = await ManagerCli.PackCapsuleAsync(images, "fw.cap", 64 << 10, seed: 6, SharedFiles.TrustedPrivateKey);
        string capsuleSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(capsule)));
        string results = _folder.Combine("results.jsonl");
        await using var manager = await StartServeAsync(images, results);

        var (run, report) = await ManagerCli.SimulateAsync(new[]
        {
            "--clients", "1", "--manager", manager.UdpEndPoint.ToString(), "--bind", "127.0.0.1", "--client-port", "0",
            "--trusted", SharedFiles.TrustedPublicKey, "--current-version", "0x00010001", "--timeout", "120",
        }, _folder.Combine("report.json"));
        Assert.True(run.ExitCode == 0, run.Stderr + "\n--- manager ---\n" + manager.Output);
        JsonElement machine = report!.RootElement.GetProperty("results")[0];

        // The log: versions as 0x%08X, the hash named as the capsule's.
        Assert.Contains("catalog: offering fw.cap type " + SharedFiles.ImageType + " version 0x00010002 lsv 0x00010000, ", manager.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(", capsule sha256 " + capsuleSha256, manager.Output, StringComparison.Ordinal);
        Match offered = Regex.Match(manager.Output, @"offered fw\.cap version 0x00010002 in session (?<id>[0-9a-f]{8}) ");
        Assert.True(offered.Success, manager.Output);

        // results.jsonl: the decimal field as before, the same id in the log's form beside it.
        string line = File.ReadAllLines(results).Single();
        Assert.Matches("\"outcome\":\"success\",\"code\":0", line); // the demo and qemu-tests match this text; the new field must not split it
        using JsonDocument record = JsonDocument.Parse(line);
        uint sessionId = record.RootElement.GetProperty("sessionId").GetUInt32();
        Assert.Equal(sessionId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), record.RootElement.GetProperty("sessionIdHex").GetString());
        Assert.Equal(offered.Groups["id"].Value, record.RootElement.GetProperty("sessionIdHex").GetString());
        Assert.EndsWith("; firmware version now 0x00010002", record.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // simulate's report: the same session id beside its number, the capsule hash under its name.
        Assert.Equal(sessionId, machine.GetProperty("sessionId").GetUInt32());
        Assert.Equal(offered.Groups["id"].Value, machine.GetProperty("sessionIdHex").GetString());
        Assert.Equal(capsuleSha256, machine.GetProperty("capsuleSha256").GetString());

        // /status: the capsule hash named, versions in hex beside the numbers, the session id in the log's form.
        using JsonDocument status = await manager.GetStatusAsync();
        JsonElement image = status.RootElement.GetProperty("images")[0];
        Assert.Equal(capsuleSha256, image.GetProperty("capsuleSha256").GetString());
        Assert.Equal(capsuleSha256, image.GetProperty("sha256").GetString());
        Assert.Equal("0x00010002", image.GetProperty("versionHex").GetString());
        Assert.Equal("0x00010000", image.GetProperty("lowestSupportedVersionHex").GetString());
        Assert.Equal(offered.Groups["id"].Value, status.RootElement.GetProperty("sessions")[0].GetProperty("sessionIdHex").GetString());

        // inspect and verify show the same capsule hash as /status, each hash named.
        var inspect = await ManagerCli.RunAsync(new[] { "image", "inspect", capsule });
        Assert.Contains("capsule sha256 " + capsuleSha256 + " ", inspect.Stdout, StringComparison.Ordinal);
        var inspectJson = await ManagerCli.RunAsync(new[] { "image", "inspect", capsule, "--json" });
        using (JsonDocument json = JsonDocument.Parse(inspectJson.Stdout))
            Assert.Equal(capsuleSha256, json.RootElement.GetProperty("capsuleSha256").GetString());
        var verify = await ManagerCli.RunAsync(new[] { "image", "verify", capsule, "--trusted", SharedFiles.TrustedPublicKey, "--image-type", SharedFiles.ImageType, "--lsv", "0" });
        Assert.Matches(@"^ACCEPT: RSA2048_SHA256, FwVersion 0x00010002, LSV 0x00010000, payload 65536 bytes, payload sha256 [0-9a-f]{64}, capsule sha256 " + capsuleSha256 + "\n", verify.Stdout);
    }

    // ---- help ----------------------------------------------------------------------------------------------

    /// <summary>A command, a placeholder its help must show, and an old option name it must not show.</summary>
    public static TheoryData<string, string, string> HelpRows() => new()
    {
        { "image pack", "--lsv <VERSION>", "--lowest-supported" },
        { "image verify", "--trusted <KEY|CERT>", "--trusted-root" },
        { "image inspect", "<CAPSULE>", "--trusted" },
        { "image key-hash", "--for <firmware|manager|instruction>", "--trusted" },
        { "image machine-config", "--manager <ADDR:PORT>", "--trusted-key" },
        { "serve", "--listen <ADDR[:PORT]>", "--lowest-version" },
        { "simulate", "--lsv <VERSION>", "--lowest-version" },
        { "benchmark", "--report <FILE|->", "--lowest-version" },
        { "instruct", "--agent <ADDR[:PORT]>", "--lowest-version" },
        { "plan", "--loss <PERCENT>", "--lowest-version" },
    };

    [Theory]
    [MemberData(nameof(HelpRows))]
    public async Task Help_EveryCommand_ExampleAndPlaceholdersNoOldNames(string command, string placeholder, string oldName)
    {
        var run = await ManagerCli.RunAsync(command.Split(' ').Append("--help"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Example:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  uefirecovery-manager " + command + " ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(placeholder, run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(oldName + " ", run.Stdout, StringComparison.Ordinal);
    }

    private Task<ManagerProcess> StartServeAsync(string images, string? results = null) => ManagerProcess.StartAsync(new[]
    {
        "--images", images, "--listen", "127.0.0.1:0", "--delivery", "unicast", "--trusted", SharedFiles.TrustedPublicKey,
        "--results", results ?? _folder.Combine("results.jsonl"), "--status-http", "127.0.0.1:0", "--gather", "0.2",
    });
}
