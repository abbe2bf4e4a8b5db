using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.QemuTests.Recovery;
using UefiRecovery.Testbed;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Bmc;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The BMC as a donor (issue #14 item 4, seeds 002/003, docs/bmc.md) with the network down (<c>-nic none</c>, the
/// machine's default here): <c>uefirecovery.source=bmc</c>, the test BMC holding the whole signed capsule (541 KB) as
/// blob /recovery/image behind QEMU's real KCS model; the app reads it over IPMI BLOB, verifies it exactly like a
/// network image and writes it. An untrusted capsule on the BMC is refused like a network one and nothing is written.
/// </summary>
public sealed class BmcDonorRecoveryTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(12);

    private readonly ITestOutputHelper _output;

    public BmcDonorRecoveryTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Recover_TrustedCapsuleOnBmcNoNetwork_ReadOverKcsVerifiedVarsEqualPayload()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("bmc-donor");
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        var responder = new BmcResponder();
        responder.Blobs.Put("/recovery/image", capsule, Claim(RecoveryManager.ImageType, 0x00010002));
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        (QemuExit exit, SerialLog serial) = await Boot(files, bmc, "bmc-donor");

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY SOURCE bmc blob=/recovery/image offer=acceptable size=" + capsule.Length
            + " image=" + RecoveryManager.ImageType + " version=0x00010002$", RegexOptions.IgnoreCase)), exit, "the BMC's claim judged acceptable");
        SerialLine? read = serial.Find(new Regex(@"^RECOVERY SOURCE bmc blob=/recovery/image read kcs=0xCA2 bytes=" + capsule.Length + @" reads=\d+ ms=\d+ kcs-bytes=\d+ retried=0$"));
        BootAssert.NotNull(read, exit, "the capsule read from the BMC");
        BootAssert.True(serial.IndexOf("^FIRMWARE MARKER state=in-progress") > serial.IndexOf("^RECOVERY SOURCE bmc blob=/recovery/image read"), exit,
            "a write step before the BMC's capsule was read and verified");
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY VERIFIED version=0x[0-9A-F]+ payload=\d+ capsule=" + capsule.Length + "$")), exit, "the verification");
        BootAssert.True(serial.IndexOf("^RECOVERY PHASE network") < 0, exit, "the network was used");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=recovered reason=none$")),
            "'RECOVERY DONE verdict=recovered'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        // Only reads: the BMC's copy is as it was.
        Assert.Equal(capsule, responder.Blobs.Stored("/recovery/image"));
        Assert.DoesNotContain(responder.Blobs.Messages, m => m.Subcommand is 4 or 5 or 7);
        _output.WriteLine(read!.Text);
        BmcThroughput.Report(_output, bmc, new AppBootResult(exit, serial));
    }

    [Fact]
    public async Task Recover_UntrustedKeyCapsuleOnBmc_RejectedLikeNetworkNothingWritten()
    {
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("bmc-donor-untrusted",
            (payloadPath, images) => RecoveryManager.PackAsync(payloadPath, RecoveryManager.UntrustedKey, Path.Combine(images, "untrusted.cap")));
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        var responder = new BmcResponder();
        responder.Blobs.Put("/recovery/image", capsule);
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        (QemuExit exit, SerialLog serial) = await Boot(files, bmc, "bmc-donor-untrusted");

        // The same refusal a network donor's capsule gets (RogueDonorRejectionTests: code 202 PublicKeyNotTrusted).
        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY SOURCE bmc blob=/recovery/image rejected code=202 reason=PublicKeyNotTrusted message=""[^""]+""$")),
            exit, "the untrusted capsule refused");
        BootAssert.True(serial.IndexOf("^(FIRMWARE MARKER state=in-progress|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY PHASE writing)") < 0, exit,
            "a verification success or write step although the capsule was refused");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=no-image$")),
            "'RECOVERY DONE verdict=failed reason=no-image'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        string differing = E2eRecoveryLab.AssertNothingWritten(files.Interrupted, File.ReadAllBytes(exit.VarsPath), "the capsule was refused");
        _output.WriteLine("blocks changed during the run (OVMF's own variable writes): " + differing);
    }

    [Fact]
    public async Task Recover_BmcClaimsOtherImageType_SkippedWithoutReadingNothingWritten()
    {
        // The claim in Stat's metadata is judged like a network OFFER: another image type is skipped before any Read.
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("bmc-donor-othertype");
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        var responder = new BmcResponder();
        responder.Blobs.Put("/recovery/image", capsule, Claim("0B6C4B2E-8D51-4A43-9E0F-3C1D2E4F5A61", 0x00010002));
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);

        (QemuExit exit, SerialLog serial) = await Boot(files, bmc, "bmc-donor-othertype");

        BootAssert.NotNull(serial.Find(new Regex(@"^RECOVERY SOURCE bmc blob=/recovery/image skipped reason=wrong-image-type size=" + capsule.Length
            + " image=0B6C4B2E-8D51-4A43-9E0F-3C1D2E4F5A61 version=0x00010002$", RegexOptions.IgnoreCase)), exit, "the claim refused");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=no-image$")),
            "'RECOVERY DONE verdict=failed reason=no-image'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        Assert.Equal(new byte[] { 8 }, responder.Blobs.Messages.Select(m => m.Subcommand).Distinct().ToArray()); // Stat only
        E2eRecoveryLab.AssertNothingWritten(files.Interrupted, File.ReadAllBytes(exit.VarsPath), "the claim was refused");
    }

    /// <summary>Stat metadata: the FMP image type GUID (EFI binary layout) and the version, little-endian.</summary>
    private static byte[] Claim(string imageType, uint version) =>
        new Guid(imageType).ToByteArray().Concat(BitConverter.GetBytes(version)).ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Recover_FromEspFileWithStageList_StagedOnlyWhenThePlatformTurnedItOn(bool platformTurnedOn)
    {
        // Seed 004 after a verified recovery: the stage list beside the app names the capsule just installed, and the app
        // hands it to the BMC, which then holds what source=bmc reads on a later boot. The whole 541 KB capsule: the figure.
        // The list is on the OS-writable ESP: without the protected uefirecovery.bmc-stage=after-recovery nothing is staged
        // (the OS could otherwise replace the BMC's donor image at every recovery).
        E2eRecoveryFiles files = await E2eRecoveryFiles.CreateAsync("bmc-stage-after-" + (platformTurnedOn ? "on" : "off"));
        byte[] capsule = File.ReadAllBytes(Directory.GetFiles(files.Images, "*.cap").Single());
        var responder = new BmcResponder();
        await using BmcSimulator bmc = BmcSimulator.StartTcp(responder);
        EspImage esp = E2eRecoveryLab.EspWith(interruptedMarker: true)
            .WithFile("recovery/ovmf-vars.cap", capsule)
            .WithFile("EFI/BOOT/bmc-stage.cfg", System.Text.Encoding.ASCII.GetBytes("\\recovery\\ovmf-vars.cap /recovery/image\n"))
            .BuildFatImage(Path.Combine(files.RunDirectory, "esp-stage.img"));

        (QemuExit exit, SerialLog serial) = await Boot(files, bmc, "bmc-stage-after", "file:\\recovery\\ovmf-vars.cap", esp,
            platformTurnedOn ? new[] { "uefirecovery.bmc-stage=after-recovery" } : Array.Empty<string>());

        int done = serial.IndexOf("^RECOVERY DONE verdict=recovered reason=none$");
        BootAssert.True(done >= 0, exit, "the recovery from the ESP file");
        if (!platformTurnedOn)
        {
            BootAssert.True(serial.IndexOf("^BMC STAGE") < 0, exit, "staged to the BMC although the platform did not turn staging on");
            Assert.Null(responder.Blobs.Stored("/recovery/image"));
            return;
        }
        SerialLine? staged = serial.Find(new Regex(@"^BMC STAGE file=\\recovery\\ovmf-vars\.cap blob=/recovery/image bytes=" + capsule.Length + @" writes=\d+ polls=2 retried=0 result=stored$"));
        BootAssert.NotNull(staged, exit, "the capsule staged to the BMC");
        BootAssert.True(serial.IndexOf("^BMC STAGE start-upgrade result=ok") > done, exit, "staging began before the recovery was done");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex(@"^BMC STAGE DONE result=ok files=1 stored=1 kcs-bytes=\d+$")),
            "'BMC STAGE DONE result=ok'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        byte[] after = File.ReadAllBytes(exit.VarsPath);
        BootAssert.True(files.Payload.AsSpan().SequenceEqual(after), exit, "vars differ from the payload in blocks " + FlashBlocks.Differing(files.Payload, after));
        Assert.Equal(capsule, responder.Blobs.Stored("/recovery/image"));
        _output.WriteLine(staged!.Text);
        BmcThroughput.Report(_output, bmc, new AppBootResult(exit, serial));
    }

    private static async Task<AppBootResult> Boot(E2eRecoveryFiles files, BmcSimulator bmc, string name, string source = "bmc", EspImage? esp = null,
        string[]? extraOemStrings = null)
    {
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp ?? files.BuildEsp(),
            RunDirectory = files.Boot(name),
            OemStrings = new[]
            {
                "uefirecovery.mode=auto", EfiAppConsole.DebugExitOemString,
                "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
                "uefirecovery.image-type=" + RecoveryManager.ImageType,
                "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
                "uefirecovery.source=" + source,
            }.Concat(extraOemStrings ?? Array.Empty<string>()).ToArray(),
            Timeout = BootTimeout,
            VarsTemplatePath = files.InterruptedVarsPath,
            ExtraArguments = bmc.QemuArguments(),
        });
        return await machine.RunToExitAsync();
    }
}
