using System;
using System.CommandLine;
using System.IO;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Tests.Fixtures;
using Xunit;

namespace UefiRecovery.Manager.Tests.Images;

/// <summary>
/// `image pack|verify|inspect` run in-process through the real command tree and runner (Program.BuildRoot()
/// and CommandRunner, as Program.Main), with output captured per invocation. Inputs are the EDK2 vectors in ../shared.
/// </summary>
public sealed class ImageCommandTests : IDisposable
{
    private const string ImageType = "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10";
    private const string TestKeyHash = "9129c4bdea6ddab3aa6f5016fcdb4b7e3cd6dca47a0edde6158c7396a2d4a64d";
    private readonly string _temp = Directory.CreateTempSubdirectory("image-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Vectors(string relative)
    {
        foreach (var attribute in typeof(ImageCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "SharedDir" && attribute.Value is not null)
            {
                return Path.Combine(attribute.Value, "vectors", "edk2-capsules", relative);
            }
        }
        throw new InvalidOperationException("SharedDir metadata missing");
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = CommandRunner.Run(Program.BuildRoot(), args, new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    private string Temp(string name) => Path.Combine(_temp, name);

    private string PackRsaA(string name = "a.cap", params string[] extra)
    {
        string output = Temp(name);
        string[] args =
        [
            "image", "pack", "--payload", Vectors("inputs/payload_4k_0-255.bin"), "--image-type", ImageType,
            "--version", "0x00010002", "--lsv", "0x00010000",
            "--key", Vectors("keys/edk2-rsa2048-test/TestSigningPrivateKey.pem"), "-o", output, .. extra,
        ];
        var (exitCode, _, error) = Run(args);
        Assert.True(exitCode == 0, error);
        return output;
    }

    [Fact]
    public void Pack_Rsa2048WithEdk2TestKey_ByteIdenticalToEdk2VectorA()
    {
        string packed = PackRsaA();
        Assert.Equal(File.ReadAllBytes(Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap")), File.ReadAllBytes(packed));
    }

    [Fact]
    public void Pack_Rsa2048OvmfVars_ByteIdenticalToEdk2VectorB()
    {
        string output = Temp("b.cap");
        var (exitCode, _, error) = Run("image", "pack", "--payload", Vectors("inputs/OVMF_VARS_4M.fd"), "--image-type", ImageType,
            "--version", "65538", "--lsv", "65536", "--key", Vectors("keys/edk2-rsa2048-test/TestSigningPrivateKey.pem"), "-o", output);
        Assert.True(exitCode == 0, error);
        Assert.Equal(File.ReadAllBytes(Vectors("rsa2048/B_rsa2048_testkey_ovmfvars.cap")), File.ReadAllBytes(output));
    }

    [Fact]
    public void Pack_Pkcs7_HeadersMatchEdk2AndVerifies()
    {
        string output = Temp("a7.cap");
        var (exitCode, _, error) = Run("image", "pack", "--format", "pkcs7", "--payload", Vectors("inputs/payload_4k_0-255.bin"),
            "--image-type", ImageType, "--version", "0x00010002", "--lsv", "0x00010000",
            "--cert", Vectors("keys/edk2-pkcs7-test/TestCert.pem"), "--extra-cert", Vectors("keys/edk2-pkcs7-test/TestSub.pub.pem"), "-o", output);
        Assert.True(exitCode == 0, error);

        // Same header structures as GenerateCapsule.py output apart from sizes that depend on the CMS length.
        byte[] ours = File.ReadAllBytes(output);
        byte[] edk2 = File.ReadAllBytes(Vectors("pkcs7/A_pkcs7_payload4k.cap"));
        AssertSameExceptSizes(edk2, ours);

        var verify = Run("image", "verify", output, "--trusted-root", Vectors("keys/edk2-pkcs7-test/TestRoot.cer"),
            "--image-type", ImageType, "--lowest-supported", "0x00010000");
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.StartsWith("ACCEPT", verify.Output);

        // The untrusted root does not anchor it.
        var untrusted = Run("image", "verify", output, "--trusted-root", Vectors("keys/untrusted-pkcs7/UntrustedRoot.pub.pem"),
            "--image-type", ImageType, "--lowest-supported", "0x00010000");
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("Pkcs7VerificationFailed", untrusted.Output);
    }

    private static void AssertSameExceptSizes(byte[] edk2, byte[] ours)
    {
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(edk2, out FmpCapsule expected));
        Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(ours, out FmpCapsule actual));
        Assert.Equal(edk2.AsSpan(0, 0x18).ToArray(), ours.AsSpan(0, 0x18).ToArray()); // GUID, HeaderSize, Flags
        Assert.Equal(edk2.AsSpan(0x1C, 0x48 - 0x1C).ToArray(), ours.AsSpan(0x1C, 0x48 - 0x1C).ToArray()); // pad, FMP header, image header to UpdateImageSize
        Assert.Equal(edk2.AsSpan(0x4C, 0x68 - 0x4C).ToArray(), ours.AsSpan(0x4C, 0x68 - 0x4C).ToArray()); // vendor size, instance, support, MC
        Assert.Equal(edk2.AsSpan(0x6C, 0x14).ToArray(), ours.AsSpan(0x6C, 0x14).ToArray()); // wRevision, type, CertType
        Assert.Equal(expected.SignedData.ToArray(), actual.SignedData.ToArray()); // payload header + payload
    }

    [Theory]
    [InlineData("rsa2048/A_rsa2048_testkey_payload4k.cap", 0, "ACCEPT")]
    [InlineData("rsa2048/B_rsa2048_testkey_ovmfvars.cap", 0, "ACCEPT")]
    [InlineData("rsa2048/C_rsa2048_testkey_payload4k_TAMPERED.cap", 1, "REJECT 203 SignatureInvalid")]
    [InlineData("rsa2048/D_rsa2048_untrustedkey_payload4k.cap", 1, "REJECT 202 PublicKeyNotTrusted")]
    public void Verify_Rsa2048VectorsByKeyHash_ExitCodeAndReason(string vector, int expectedExit, string expectedStart)
    {
        var (exitCode, output, _) = Run("image", "verify", Vectors(vector), "--trusted-key-hash", TestKeyHash,
            "--image-type", ImageType, "--lowest-supported", "0x00010000");
        Assert.Equal(expectedExit, exitCode);
        Assert.StartsWith(expectedStart, output);
    }

    [Fact]
    public void Verify_TrustedKeyPem_SameAsHash()
    {
        var accepted = Run("image", "verify", Vectors("rsa2048/D_rsa2048_untrustedkey_payload4k.cap"),
            "--trusted-key", Vectors("keys/untrusted-rsa2048/UntrustedSigningPublicKey.pem"), "--image-type", ImageType, "--lowest-supported", "0");
        Assert.Equal(0, accepted.ExitCode);
        var rejected = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"),
            "--trusted-key", Vectors("keys/untrusted-rsa2048/UntrustedSigningPrivateKey.pem"), "--image-type", ImageType, "--lowest-supported", "0");
        Assert.Equal(1, rejected.ExitCode);
    }

    [Fact]
    public void Verify_Json_MachineReadableVerdict()
    {
        var (exitCode, output, _) = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"), "--trusted-key-hash", TestKeyHash,
            "--image-type", ImageType, "--lowest-supported", "0x00010003", "--json");
        Assert.Equal(1, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("accepted").GetBoolean());
        Assert.Equal((int)CapsuleStatus.RollbackBelowStoredLowestSupported, json.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("RollbackBelowStoredLowestSupported", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(CapsuleStatusText.Describe(CapsuleStatus.RollbackBelowStoredLowestSupported), json.RootElement.GetProperty("message").GetString());
        Assert.Equal(0x00010002, json.RootElement.GetProperty("fwVersion").GetInt32());
        Assert.Equal("c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193", json.RootElement.GetProperty("payloadSha256").GetString());
    }

    [Fact]
    public void Verify_WrongImageType_Rejected()
    {
        var (exitCode, output, _) = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"), "--trusted-key-hash", TestKeyHash,
            "--image-type", "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e11", "--lowest-supported", "0");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("REJECT 300 ImageTypeMismatch", output);
    }

    [Fact]
    public void PackThenVerify_WithMonotonicCountInstanceAndDependency_RoundTripsThroughPortableVerifier()
    {
        EfiGuid.TryParse(ImageType, out EfiGuid type);
        byte[] own = new byte[16];
        type.TryWrite(own);
        // PUSH_VERSION 0x00010001, PUSH_GUID own, GTE, END
        string dependency = "0101000100" + "00" + Convert.ToHexString(own) + "0A0D";
        string packed = PackRsaA("dep.cap", "--monotonic-count", "7", "--hardware-instance", "3", "--dependency-hex", dependency);

        byte[] bytes = File.ReadAllBytes(packed);
        var trust = new TrustStore(1, 0, 0);
        trust.TryAddKeyHash(Convert.FromHexString(TestKeyHash));
        CapsuleVerdict verdict = new CapsuleVerifier(trust).Verify(bytes, new UpdateTarget(type, 1, 3, 0x00010000, 0x00010001, 1 << 20), out FmpCapsule capsule);
        Assert.Equal(CapsuleStatus.Ok, verdict.Status);
        Assert.Equal(7ul, capsule.Authentication.MonotonicCount);
        Assert.Equal(3ul, capsule.ImageHeader.UpdateHardwareInstance);
        Assert.Equal(3ul, capsule.ImageHeader.ImageCapsuleSupport);
        Assert.Equal(File.ReadAllBytes(Vectors("inputs/payload_4k_0-255.bin")), capsule.Payload.ToArray());

        var cli = Run("image", "verify", packed, "--trusted-key-hash", TestKeyHash, "--image-type", ImageType,
            "--lowest-supported", "0x00010000", "--hardware-instance", "3", "--current-version", "0x00010001");
        Assert.Equal(0, cli.ExitCode);
        var older = Run("image", "verify", packed, "--trusted-key-hash", TestKeyHash, "--image-type", ImageType,
            "--lowest-supported", "0x00010000", "--hardware-instance", "3", "--current-version", "0x00010000");
        Assert.Equal(1, older.ExitCode);
        Assert.StartsWith("REJECT 308 DependencyNotSatisfied", older.Output);
    }

    [Fact]
    public void Inspect_VectorA_PrintsEveryHeaderField()
    {
        var (exitCode, output, _) = Run("image", "inspect", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"));
        Assert.Equal(0, exitCode);
        foreach (string expected in new[]
        {
            "6DCBD5ED-E82D-4C44-BDA1-7194199AD92A", "CapsuleImageSize         0x000012A0", "ItemOffsetList[0]",
            "6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10", "UpdateImageSize          0x00001240", "ImageCapsuleSupport",
            "dwLength                 0x00000228", "A7717414-C616-4977-9420-844712A735BF", "51AA59DE-FDF2-4EA3-BC63-875FB7842EE9",
            TestKeyHash, "MSS1", "FwVersion                0x00010002", "LowestSupportedVersion   0x00010000",
            "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193",
        })
        {
            Assert.Contains(expected, output);
        }
    }

    [Fact]
    public void Inspect_Json_ParsesAndCarriesFields()
    {
        var (exitCode, output, _) = Run("image", "inspect", Vectors("pkcs7/D_pkcs7_untrustedchain_payload4k.cap"), "--json");
        Assert.Equal(0, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("parsed").GetBoolean());
        Assert.Equal(0x95D, json.RootElement.GetProperty("EFI_FIRMWARE_IMAGE_AUTHENTICATION").GetProperty("dwLength").GetInt32());
        Assert.Equal("PKCS7", json.RootElement.GetProperty("EFI_FIRMWARE_IMAGE_AUTHENTICATION").GetProperty("CertTypeName").GetString());
        Assert.Equal(0x9C5, json.RootElement.GetProperty("FMP_PAYLOAD_HEADER").GetProperty("Offset").GetInt32());
    }

    [Fact]
    public void Inspect_TruncatedFile_ReportsReasonAndFails()
    {
        string truncated = Temp("short.cap");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap")).AsSpan(0, 100).ToArray());
        var (exitCode, output, _) = Run("image", "inspect", truncated, "--json");
        Assert.Equal(1, exitCode);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal("CapsuleImageSizeMismatch", json.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Commands_BadArguments_ExitTwoWithMessage()
    {
        var badGuid = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"), "--trusted-key-hash", TestKeyHash,
            "--image-type", "not-a-guid", "--lowest-supported", "0");
        Assert.Equal(2, badGuid.ExitCode);
        Assert.Contains("--image-type", badGuid.Error);

        var noTrust = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"), "--image-type", ImageType, "--lowest-supported", "0");
        Assert.Equal(2, noTrust.ExitCode);

        var shortHash = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"), "--trusted-key-hash", "9129", "--image-type", ImageType, "--lowest-supported", "0");
        Assert.Equal(2, shortHash.ExitCode);

        var pkcs7NoCert = Run("image", "pack", "--format", "pkcs7", "--payload", Vectors("inputs/payload_4k_0-255.bin"), "--image-type", ImageType,
            "--version", "1", "--lsv", "1", "-o", Temp("x.cap"));
        Assert.Equal(2, pkcs7NoCert.ExitCode);
        Assert.Contains("--cert", pkcs7NoCert.Error);

        var badDependency = Run("image", "pack", "--payload", Vectors("inputs/payload_4k_0-255.bin"), "--image-type", ImageType,
            "--version", "1", "--lsv", "1", "--key", Vectors("keys/edk2-rsa2048-test/TestSigningPrivateKey.pem"), "--dependency-hex", "06", "-o", Temp("y.cap"));
        Assert.Equal(2, badDependency.ExitCode);
        Assert.False(File.Exists(Temp("y.cap")));
    }

    [Fact]
    public void ProgramMain_ImageInspect_ReturnsExitCode()
    {
        // The real entry point, end to end (output goes to the console).
        Assert.Equal(0, Program.Main(["image", "inspect", Vectors("rsa2048/B_rsa2048_testkey_ovmfvars.cap")]));
        Assert.Equal(1, Program.Main(["image", "verify", Vectors("rsa2048/C_rsa2048_testkey_payload4k_TAMPERED.cap"),
            "--trusted-key-hash", TestKeyHash, "--image-type", ImageType, "--lowest-supported", "0"]));
    }

    private string NotRegular(string kind) => kind switch
    {
        "symlink-to-dev-zero" => SpecialFiles.SymlinkTo(Temp("zero.cap"), "/dev/zero"),
        "fifo" => SpecialFiles.Fifo(Temp("fifo.cap")),
        "directory" => Directory.CreateDirectory(Temp("dir.cap")).FullName,
        "sparse-1GiB" => SpecialFiles.Sparse(Temp("huge.cap"), 1L << 30),
        _ => throw new ArgumentException(kind),
    };

    public static TheoryData<string, string> NotRegularInputs => new()
    {
        { "symlink-to-dev-zero", "not a regular file (a character device, via symlink to /dev/zero)" },
        { "fifo", "not a regular file (a FIFO)" },
        { "directory", "not a regular file (a directory)" },
        { "sparse-1GiB", "larger than the limit of 67108864 bytes (--max-image-size)" },
    };

    [Theory]
    [MemberData(nameof(NotRegularInputs))]
    public async Task Verify_NotARegularCapsuleFile_ExitConfigurationWithOneLine(string kind, string reason)
    {
        string path = NotRegular(kind);
        // A FIFO must be refused, not waited on: bounded so the old behaviour fails instead of hanging.
        var (exitCode, output, error) = await Task.Run(() => Run("image", "verify", path, "--trusted-key-hash", TestKeyHash,
            "--image-type", ImageType, "--lowest-supported", "0")).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Configuration, exitCode);
        Assert.Equal("", output);
        Assert.Equal("image verify: " + path + ": " + reason + Environment.NewLine, error);
    }

    [Theory]
    [MemberData(nameof(NotRegularInputs))]
    public async Task Inspect_NotARegularCapsuleFile_ExitConfigurationWithOneLine(string kind, string reason)
    {
        string path = NotRegular(kind);
        var (exitCode, output, error) = await Task.Run(() => Run("image", "inspect", path)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Configuration, exitCode);
        Assert.Equal("", output);
        Assert.Equal("image inspect: " + path + ": " + reason + Environment.NewLine, error);
    }

    [Fact]
    public void Verify_CapsuleAboveMaxImageSize_ExitConfigurationAcceptedWithLargerLimit()
    {
        string capsule = Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap");
        var small = Run("image", "verify", capsule, "--trusted-key-hash", TestKeyHash, "--image-type", ImageType, "--lowest-supported", "0", "--max-image-size", "4KiB");
        Assert.Equal(ExitCodes.Configuration, small.ExitCode);
        Assert.EndsWith(": larger than the limit of 4096 bytes (--max-image-size)" + Environment.NewLine, small.Error, StringComparison.Ordinal);
        var enough = Run("image", "verify", capsule, "--trusted-key-hash", TestKeyHash, "--image-type", ImageType, "--lowest-supported", "0", "--max-image-size", "8KiB");
        Assert.Equal(ExitCodes.Ok, enough.ExitCode);
    }

    [Fact]
    public void Verify_TrustedKeyIsDevZero_ExitConfigurationWithOneLine()
    {
        var (exitCode, _, error) = Run("image", "verify", Vectors("rsa2048/A_rsa2048_testkey_payload4k.cap"), "--trusted-key", "/dev/zero",
            "--image-type", ImageType, "--lowest-supported", "0");
        Assert.Equal(ExitCodes.Configuration, exitCode);
        Assert.Equal("image verify: /dev/zero: not a regular file (a character device)" + Environment.NewLine, error);
    }

    [Fact]
    public async Task Pack_PayloadFifo_ExitConfigurationAndNothingWritten()
    {
        string fifo = SpecialFiles.Fifo(Temp("payload.fifo"));
        var (exitCode, _, error) = await Task.Run(() => Run("image", "pack", "--payload", fifo, "--image-type", ImageType, "--version", "1", "--lsv", "1",
            "--key", Vectors("keys/edk2-rsa2048-test/TestSigningPrivateKey.pem"), "-o", Temp("out.cap"))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(ExitCodes.Configuration, exitCode);
        Assert.Equal("image pack: " + fifo + ": not a regular file (a FIFO)" + Environment.NewLine, error);
        Assert.False(File.Exists(Temp("out.cap")));
    }

    [Theory]
    [InlineData("image", "verify", "x.cap")]
    [InlineData("image", "verify", "x.cap", "--image-type", ImageType, "--lowest-supported", "0", "--no-such-option")]
    [InlineData("image", "inspect")]
    [InlineData("image", "pack", "--payload", "p.bin")]
    public void Commands_CommandLineErrors_ExitTwoNeverOne(params string[] args)
    {
        // 1 means "rejected" to a script; a command line that does not parse must not look like a verdict.
        var (exitCode, output, error) = Run(args);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Equal("", output);
        Assert.Contains("(--help lists the options)", error, StringComparison.Ordinal);
    }
}
