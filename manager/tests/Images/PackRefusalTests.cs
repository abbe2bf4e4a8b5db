using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Images;

/// <summary>
/// `image pack` refuses what would make a useless capsule or destroy a file, in one line naming the problem,
/// exit 2 (the command line: --lsv, --force) or 7 (the files: key, payload), and writes nothing. Runs the real manager process.
/// </summary>
public sealed class PackRefusalTests : IDisposable
{
    private readonly TempFolder _folder = new("pack-refuse");

    public void Dispose() => _folder.Dispose();

    private string Payload(int bytes)
    {
        string path = _folder.Combine("payload-" + bytes + ".bin");
        var data = new byte[bytes];
        new Random(bytes).NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    private Task<ManagerCli.Run> PackAsync(string payload, string key, string version, string lsv, string output, params string[] extra)
    {
        var arguments = new System.Collections.Generic.List<string>
        {
            "image", "pack", "--payload", payload, "--image-type", SharedFiles.ImageType,
            "--version", version, "--lsv", lsv, "--key", key, "-o", output,
        };
        arguments.AddRange(extra);
        return ManagerCli.RunAsync(arguments, timeout: TimeSpan.FromMinutes(2));
    }

    public static TheoryData<string> Nonsense() => new() { "public-key", "encrypted-key", "lsv-above-version", "empty-payload" };

    [Theory]
    [MemberData(nameof(Nonsense))]
    public async Task Pack_Nonsense_ExitUsageOrConfigurationOneLineNothingWritten(string scenario)
    {
        string output = _folder.Combine("out.cap");
        string key = SharedFiles.TrustedPrivateKey;
        string payload = Payload(4096);
        string version = "0x00010002", lsv = "0x00010000";
        string expected;
        int expectedExit = ExitCodes.Configuration;
        switch (scenario)
        {
            case "public-key":
                key = SharedFiles.TrustedPublicKey;
                expected = "image pack: --key " + key + " is a public key; signing needs the private key (the file openssl genrsa wrote, not the -pubout one)";
                break;
            case "encrypted-key":
                key = _folder.Combine("encrypted.pem");
                using (RSA rsa = RSA.Create(2048))
                    File.WriteAllText(key, rsa.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
                expected = "image pack: --key " + key + " is an encrypted private key; decrypt it first (openssl pkey -in " + key + " -out plain-key.pem)";
                break;
            case "lsv-above-version":
                version = "0x00010000";
                lsv = "65538"; // decimal 0x00010002: compared as numbers, printed as hex
                expectedExit = ExitCodes.Usage;
                expected = "image pack: --lsv 0x00010002 is above --version 0x00010000: the lowest supported version must not exceed the image's own";
                break;
            case "empty-payload":
                payload = Payload(0);
                expected = "image pack: --payload " + payload + " is empty: there is no firmware to pack";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }

        var run = await PackAsync(payload, key, version, lsv, output);

        Assert.True(run.ExitCode == expectedExit, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal(expected, run.Stderr.TrimEnd('\n'));
        Assert.Equal("", run.Stdout);
        Assert.False(File.Exists(output), "nothing written");
    }

    [Fact]
    public async Task Pack_OutputExists_RefusedUnchangedUntilForce()
    {
        string output = _folder.Combine("existing.cap");
        byte[] before = { 1, 2, 3, 4 };
        File.WriteAllBytes(output, before);
        string payload = Payload(4096);

        var refused = await PackAsync(payload, SharedFiles.TrustedPrivateKey, "0x00010002", "0x00010000", output);
        Assert.True(refused.ExitCode == ExitCodes.Usage, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Equal("image pack: --output " + output + " exists; add --force to replace it", refused.Stderr.TrimEnd('\n'));
        Assert.Equal(before, File.ReadAllBytes(output));

        var forced = await PackAsync(payload, SharedFiles.TrustedPrivateKey, "0x00010002", "0x00010000", output, "--force");
        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.Stderr);
        Assert.StartsWith("wrote " + output + " (", forced.Stdout, StringComparison.Ordinal);
        Assert.True(new FileInfo(output).Length > 4096, "the capsule replaced the old file");
    }

    [Fact]
    public async Task Pack_LsvEqualToVersion_Accepted()
    {
        // The boundary: an image whose floor is itself is legitimate (no rollback below this release).
        string output = _folder.Combine("same.cap");
        var run = await PackAsync(Payload(4096), SharedFiles.TrustedPrivateKey, "0x00010002", "0x00010002", output);
        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.True(File.Exists(output));
    }
}
