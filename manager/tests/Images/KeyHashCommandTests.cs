using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Images;

/// <summary>
/// `image key-hash` (the real manager process) prints the line a machine needs, equal to what the operator's
/// OpenSSL pipeline gives: `openssl rsa -modulus -noout | xxd -r -p | sha256sum`, here with the hex decode and
/// the hash done in .NET on openssl's own modulus output.
/// </summary>
public sealed class KeyHashCommandTests : IDisposable
{
    // The EDK2 test key's modulus SHA-256 as EDK2 itself stores it (PcdRsa2048Sha256PublicKeyBuffer): an independent pin.
    private const string Edk2TestKeyHash = "9129c4bdea6ddab3aa6f5016fcdb4b7e3cd6dca47a0edde6158c7396a2d4a64d";

    private readonly TempFolder _folder = new("key-hash");

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> KeyFiles() => new()
    {
        "edk2-private", "edk2-public", "pkcs1-private", "pkcs8-private", "certificate-pem", "certificate-der",
    };

    [Theory]
    [MemberData(nameof(KeyFiles))]
    public async Task KeyHash_RsaKeyOrCertificate_PrintsTrustLineEqualToOpensslPipeline(string kind)
    {
        var (path, modulusCommand) = Make(kind);
        string expected = Convert.ToHexStringLower(SHA256.HashData(OpensslModulus(modulusCommand)));

        var run = await ManagerCli.RunAsync(new[] { "image", "key-hash", path });

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Equal("uefirecovery.trust.rsa2048=" + expected + "\n", run.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal("", run.Stderr);
        if (kind.StartsWith("edk2", StringComparison.Ordinal)) Assert.Equal(Edk2TestKeyHash, expected);
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("instruction")]
    public async Task KeyHash_ForManagerOrInstruction_PrintsThatTrustLine(string purpose)
    {
        var (path, modulusCommand) = Make("pkcs8-private");
        string expected = Convert.ToHexStringLower(SHA256.HashData(OpensslModulus(modulusCommand)));

        var run = await ManagerCli.RunAsync(new[] { "image", "key-hash", path, "--for", purpose });

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Stderr);
        Assert.Equal("uefirecovery.trust." + purpose + "=" + expected, run.Stdout.TrimEnd('\n'));
    }

    public static TheoryData<string> NotAMachineKey() => new() { "rsa-3072", "ec-key", "encrypted-key", "folder", "text" };

    [Theory]
    [MemberData(nameof(NotAMachineKey))]
    public async Task KeyHash_NotAnRsa2048Key_ExitConfigurationOneLineNothingOnStdout(string kind)
    {
        string path = _folder.Combine(kind + ".pem");
        string expected;
        switch (kind)
        {
            case "rsa-3072":
                Openssl("genrsa", "-out", path, "3072");
                expected = path + " is a 3072-bit RSA key; machines trust only RSA-2048 keys with exponent 65537";
                break;
            case "ec-key":
                Openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path);
                expected = path + " is not an RSA key or certificate (PEM public or private key, PEM or DER certificate)";
                break;
            case "encrypted-key":
                using (RSA rsa = RSA.Create(2048))
                    File.WriteAllText(path, rsa.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
                expected = path + " is an encrypted private key; give its public half (openssl pkey -in " + path + " -pubout)";
                break;
            case "folder":
                Directory.CreateDirectory(path);
                expected = path + ": not a regular file (a directory)";
                break;
            case "text":
                File.WriteAllText(path, "uefirecovery.mode=auto\n");
                expected = path + " is not an RSA key or certificate (PEM public or private key, PEM or DER certificate)";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        var run = await ManagerCli.RunAsync(new[] { "image", "key-hash", path });

        Assert.True(run.ExitCode == ExitCodes.Configuration, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal("image key-hash: " + expected, run.Stderr.TrimEnd('\n'));
        Assert.Equal("", run.Stdout);
    }

    /// <summary>A key or certificate file of <paramref name="kind"/> and the openssl command that prints its modulus.</summary>
    private (string Path, string[] ModulusCommand) Make(string kind)
    {
        string key = _folder.Combine("key.pem");
        switch (kind)
        {
            case "edk2-private":
                return (SharedFiles.TrustedPrivateKey, new[] { "rsa", "-in", SharedFiles.TrustedPrivateKey, "-modulus", "-noout" });
            case "edk2-public":
                return (SharedFiles.TrustedPublicKey, new[] { "rsa", "-pubin", "-in", SharedFiles.TrustedPublicKey, "-modulus", "-noout" });
            case "pkcs1-private":
                Openssl("genrsa", "-traditional", "-out", key, "2048");
                Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", File.ReadAllText(key), StringComparison.Ordinal);
                return (key, new[] { "rsa", "-in", key, "-modulus", "-noout" });
            case "pkcs8-private":
                Openssl("genrsa", "-out", key, "2048");
                Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(key), StringComparison.Ordinal);
                return (key, new[] { "rsa", "-in", key, "-modulus", "-noout" });
            case "certificate-pem":
            case "certificate-der":
                Openssl("genrsa", "-out", key, "2048");
                string pem = _folder.Combine("cert.pem");
                Openssl("req", "-x509", "-key", key, "-subj", "/CN=firmware signing", "-days", "2", "-out", pem);
                if (kind == "certificate-pem") return (pem, new[] { "x509", "-in", pem, "-modulus", "-noout" });
                string der = _folder.Combine("cert.der");
                Openssl("x509", "-in", pem, "-outform", "DER", "-out", der);
                return (der, new[] { "x509", "-inform", "DER", "-in", der, "-modulus", "-noout" });
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>The bytes of openssl's "Modulus=HEX" line (what `xxd -r -p` makes of it).</summary>
    private static byte[] OpensslModulus(string[] command)
    {
        string output = Openssl(command).Trim();
        Assert.StartsWith("Modulus=", output, StringComparison.Ordinal);
        return Convert.FromHexString(output["Modulus=".Length..]);
    }

    private static string Openssl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "openssl " + string.Join(' ', arguments) + ": " + error);
        return output;
    }
}
