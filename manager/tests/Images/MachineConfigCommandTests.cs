using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Images;

/// <summary>
/// `image machine-config` (the real manager process): the settings a machine needs for a capsule, checked against the
/// capsule EDK2's own tools signed with EDK2's test key, in each channel's form; and the settings it refuses to print.
/// </summary>
public sealed class MachineConfigCommandTests
{
    // EDK2's test key as EDK2 stores it (PcdRsa2048Sha256PublicKeyBuffer), and the vector's FMP headers.
    private const string Edk2TestKeyHash = "9129c4bdea6ddab3aa6f5016fcdb4b7e3cd6dca47a0edde6158c7396a2d4a64d";
    private static readonly string Capsule4k = Path.Combine(SharedFiles.SharedDir, "vectors", "edk2-capsules", "rsa2048", "A_rsa2048_testkey_payload4k.cap");

    private static readonly string[] Expected =
    {
        "uefirecovery.mode=auto",
        "uefirecovery.trust.rsa2048=" + Edk2TestKeyHash,
        "uefirecovery.image-type=" + SharedFiles.ImageType.ToUpperInvariant(),
        "uefirecovery.lsv=0x00010000",
        "uefirecovery.manager=192.0.2.10:40123",
    };

    // The capsule's signing key and one manager, unless the test gives its own --trusted.
    private static Task<ManagerCli.Run> Run(params string[] extra) =>
        ManagerCli.RunAsync(new[] { "image", "machine-config", Capsule4k, "--manager", "192.0.2.10" }
            .Concat(extra.Contains("--trusted") ? Array.Empty<string>() : new[] { "--trusted", SharedFiles.TrustedPublicKey }).Concat(extra));

    private static string[] Lines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');

    [Fact]
    public async Task MachineConfig_Lines_KeyHashImageTypeFloorFromCapsuleAndManager()
    {
        var run = await Run();

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Equal(Expected, Lines(run.Stdout));
    }

    [Fact]
    public async Task MachineConfig_Qemu_OneSmbiosArgumentPerSetting()
    {
        var run = await Run("--format", "qemu");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(Expected.Select((l, i) => "-smbios type=11,value=" + l + (i < Expected.Length - 1 ? " \\" : "")), Lines(run.Stdout));
    }

    [Fact]
    public async Task MachineConfig_EfiShell_SetvarWithAsciiLinesAndLineFeeds()
    {
        var run = await Run("--format", "efi-shell");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("setvar UefiRecoveryConfig -guid 1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB -nv -bs " + string.Join(" ", Expected.Select(l => "=S" + l + " =0A")),
            Lines(run.Stdout).Single());
    }

    [Fact]
    public async Task MachineConfig_BmcIpmitool_BlocksDecodeToTheLines()
    {
        var run = await Run("--format", "bmc-ipmitool");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        // Set 0: param, set, encoding, length, 14 bytes; set n: param, set, 16 bytes (docs/bmc.md).
        var text = new System.Collections.Generic.List<byte>();
        int length = -1;
        string[] commands = Lines(run.Stdout);
        for (int set = 0; set < commands.Length; set++)
        {
            byte[] bytes = commands[set].Split(' ').Skip(2).Select(b => Convert.ToByte(b, 16)).ToArray();
            Assert.Equal(new byte[] { 0x06, 0x58, 0xC0, (byte)set }, bytes[..4]);
            if (set == 0)
            {
                Assert.Equal(0, bytes[4]);
                length = bytes[5];
                text.AddRange(bytes[6..]);
                Assert.True(bytes.Length <= 6 + 14);
            }
            else
            {
                text.AddRange(bytes[4..]);
                Assert.True(bytes.Length <= 4 + 16);
            }
        }
        Assert.Equal(string.Join("\n", Expected), Encoding.ASCII.GetString(text.ToArray()));
        Assert.Equal(text.Count, length);
    }

    [Fact]
    public async Task MachineConfig_BmcTooLong_RefusedWithWhatToDoNothingPrinted()
    {
        var run = await Run("--manager", "192.0.2.11", "--manager", "192.0.2.12", "--manager-key", SharedFiles.UntrustedPublicKey,
            "--instruction-key", SharedFiles.TrustedPublicKey, "--format", "bmc-ipmitool");

        Assert.Equal(ExitCodes.UsageOrInput, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains("holds at most 255", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MachineConfig_ManagerAndInstructionKeys_TrustLinesAdded()
    {
        var run = await Run("--manager-key", SharedFiles.UntrustedPublicKey, "--instruction-key", SharedFiles.TrustedPrivateKey, "--mode", "recover", "--format", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        using JsonDocument json = JsonDocument.Parse(run.Stdout);
        string[] settings = json.RootElement.GetProperty("settings").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal("uefirecovery.mode=recover", settings[0]);
        Assert.Matches("^uefirecovery.trust.manager=[0-9a-f]{64}$", settings[^2]);
        Assert.NotEqual(Edk2TestKeyHash, settings[^2][^64..]);
        Assert.Equal("uefirecovery.trust.instruction=" + Edk2TestKeyHash, settings[^1]);
    }

    public static TheoryData<string[], int, string> Refusals() => new()
    {
        // A key that does not sign the capsule, and a floor above its version: the machines would refuse it.
        { new[] { "--trusted", SharedFiles.UntrustedPublicKey }, ExitCodes.Rejected, "the machines would refuse A_rsa2048_testkey_payload4k.cap" },
        { new[] { "--lsv", "0x00010003" }, ExitCodes.Rejected, "the machines would refuse A_rsa2048_testkey_payload4k.cap" },
        { new[] { "--manager", "192.0.2.300" }, ExitCodes.UsageOrInput, "--manager 192.0.2.300 is not an IPv4 ADDR[:PORT]" },
        // A key file that is not a key: a configuration error (7), not a usage error.
        { new[] { "--manager-key", Capsule4k }, ExitCodes.Configuration, "--manager-key " + Capsule4k + ": " },
        { new[] { "--manager", "192.0.2.1", "--manager", "192.0.2.2", "--manager", "192.0.2.3", "--manager", "192.0.2.4" }, ExitCodes.UsageOrInput, "at most 4 --manager" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task MachineConfig_SettingsAMachineWouldNotUse_OneLineErrorNothingOnStdout(string[] extra, int exitCode, string message)
    {
        var run = await Run(extra);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.StartsWith("image machine-config: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
        Assert.Single(Lines(run.Stderr));
    }

    [Fact]
    public async Task MachineConfig_JsonError_ErrorObjectOnStdout()
    {
        var run = await Run("--trusted", SharedFiles.UntrustedPublicKey, "--format", "json");

        Assert.Equal(ExitCodes.Rejected, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(ExitCodes.Rejected, json.RootElement.GetProperty("exitCode").GetInt32());
    }
}
