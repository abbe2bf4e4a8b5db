using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.CoreTest;

/// <summary>
/// uefirecovery.mode=coretest (efi-app/src/CoreTest): the portable core inside OVMF, and on AArch64 inside AAVMF. The ESP gets the real
/// EDK2-made capsule vectors and trust material, copied at run time from ../shared/vectors/edk2-capsules into
/// this run's ESP folder (never into the repository). Every expected check line is listed here, so a check the
/// app silently skips fails this test. Prints the firmware's time to verify capsule B (528 KiB payload) as a figure
/// (artifacts/figures/ovmf-verify.txt, aavmf-verify.txt); the figure is never asserted against a limit.
/// </summary>
public sealed class CoreTestBootTests
{
    private const string CoreTestModeOemString = "uefirecovery.mode=coretest";

    /// <summary>Every check and the exact text after its name (verdicts from the vectors' README.txt).</summary>
    private static readonly (string Name, string Detail)[] ExpectedPasses =
    {
        ("esp.open", ""),
        ("trust.rsa2048.testkey-hash-loaded", ""),
        ("trust.pkcs7.testroot-loaded", ""),
        ("capsule.rsa2048.A", "accepted"),
        ("capsule.rsa2048.B", "accepted"),
        ("capsule.rsa2048.B", "repeated-verdicts-stable"),
        ("capsule.rsa2048.C", "rejected reason=203 SignatureInvalid"),
        ("capsule.rsa2048.D", "rejected reason=202 PublicKeyNotTrusted"),
        ("capsule.pkcs7.A", "accepted"),
        ("capsule.pkcs7.B", "accepted"),
        ("capsule.pkcs7.B", "repeated-verdicts-stable"),
        ("capsule.pkcs7.C", "rejected reason=206 Pkcs7VerificationFailed pkcs7=ContentDigestMismatch"),
        ("capsule.pkcs7.D", "rejected reason=206 Pkcs7VerificationFailed pkcs7=UntrustedRoot"),
        ("capsule.pkcs7.A rejected-by-rsa-only-store", ""),
        ("capsule.rsa2048.A rejected-by-pkcs7-only-store", ""),
        ("protocol.client-setup", ""),
        ("protocol.loopback-transfer-finished", ""),
        ("protocol.loopback-image-byte-exact", ""),
        ("protocol.loopback-nack-and-bitmap-repair", ""),
        ("protocol.loopback-forged-fragment-recognised", ""),
        ("fec.decode-restores-block", ""),
        ("fec.parity-index-out-of-range-refused", ""),
        ("offer.signed-offer-loaded", ""),
        ("offer.signature-valid", ""),
        ("offer.other-requester-rejected", ""),
        ("offer.changed-field-rejected", ""),
        ("offer.untrusted-key-rejected", ""),
        ("netstack.arp-reply-equals-linux", ""),
        ("netstack.echo-reply-equals-linux", ""),
        ("netstack.udp-delivered", ""),
        ("netstack.udp-send-after-arp-equals-linux", ""),
        ("netstack.igmp-report-equals-linux", ""),
        ("netstack.dhcp-bound-with-vendor-option", ""),
        ("netstack.zero-allocation-per-packet", ""),
        ("netstack.mutations-50000-no-failfast", ""),
    };

    /// <summary>ESP name (8.3, folder CORETEST) → file under vectors/edk2-capsules.</summary>
    private static readonly (string EspName, string VectorPath)[] EspFiles =
    {
        ("TESTKEY.BIN", "keys/edk2-rsa2048-test/TestSigningPublicKey.bin"),
        ("ROOT.CER", "keys/edk2-pkcs7-test/TestRoot.cer"),
        ("RSA-A.CAP", "rsa2048/A_rsa2048_testkey_payload4k.cap"),
        ("RSA-B.CAP", "rsa2048/B_rsa2048_testkey_ovmfvars.cap"),
        ("RSA-C.CAP", "rsa2048/C_rsa2048_testkey_payload4k_TAMPERED.cap"),
        ("RSA-D.CAP", "rsa2048/D_rsa2048_untrustedkey_payload4k.cap"),
        ("P7-A.CAP", "pkcs7/A_pkcs7_payload4k.cap"),
        ("P7-B.CAP", "pkcs7/B_pkcs7_ovmfvars.cap"),
        ("P7-C.CAP", "pkcs7/C_pkcs7_payload4k_TAMPERED.cap"),
        ("P7-D.CAP", "pkcs7/D_pkcs7_untrustedchain_payload4k.cap"),
    };

    private static readonly Regex Done = new(@"^CORETEST DONE passed=(?<passed>\d+) failed=(?<failed>\d+)$");
    private static readonly Regex AnyFail = new(@"^CORETEST FAIL ");

    private readonly ITestOutputHelper _output;

    public CoreTestBootTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("x64")]
    [InlineData("arm64")]
    public async Task Boot_CoreTestMode_CapsulesVerifiedProtocolAndNetstackPassInFirmware(string arch)
    {
        QemuArch machineArch = QemuArch.Parse(arch);
        string runDirectory = TestEnvironment.NewRunDirectory("coretest-" + arch);
        EspBuilder builder = new EspBuilder().WithBootApplication(EfiAppBinary.Require(machineArch), machineArch.EspBootPath);
        string vectors = Path.Combine(SharedDir(), "vectors", "edk2-capsules");
        foreach ((string espName, string vectorPath) in EspFiles)
        {
            string source = Path.Combine(vectors, vectorPath);
            Assert.True(File.Exists(source), "vector missing: " + source);
            builder.WithFile("CORETEST/" + espName, File.ReadAllBytes(source));
        }
        (byte[] signedOffer, byte[] keyHash) = SignedOfferVector.Create(requesterId: 0x0000525400123456, requesterAddress: 0xC0A86414);
        builder.WithFile("CORETEST/OFFER.BIN", signedOffer);
        builder.WithFile("CORETEST/OFFERKEY.BIN", keyHash);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            Arch = machineArch,
            BootDisk = builder.BuildFolder(Path.Combine(runDirectory, "esp")),
            RunDirectory = runDirectory,
            OemStrings = new[] { CoreTestModeOemString, EfiAppConsole.DebugExitOemString },
            // Two 530 KiB capsules hashed and RSA-checked under TCG on a loaded host: be generous.
            Timeout = TimeSpan.FromMinutes(10),
        });
        await using QemuRun run = machine.Start();
        QemuExit exit = await run.WaitForExitAsync();
        SerialLog serial = run.Serial;

        SerialLine? done = serial.Find(Done);
        BootAssert.SentinelAndExitCode(exit, done, "'CORETEST DONE passed=N failed=M'", DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
        foreach ((string name, string detail) in ExpectedPasses)
        {
            string line = "CORETEST PASS " + name + (detail.Length == 0 ? "" : " " + detail);
            BootAssert.NotNull(serial.Find(new Regex("^" + Regex.Escape(line) + "$")), exit, line);
        }
        Match counts = Done.Match(done!.Text);
        BootAssert.True(counts.Groups["failed"].Value == "0", exit, "coretest reported failures");
        BootAssert.True(int.Parse(counts.Groups["passed"].Value) == ExpectedPasses.Length, exit,
            $"passed={counts.Groups["passed"].Value}, but this test lists {ExpectedPasses.Length} checks: keep the list complete");
        BootAssert.True(serial.Find(AnyFail) == null, exit, "a 'CORETEST FAIL' line");
        BootAssert.True(serial.Find(EfiAppConsole.AnyFailFastLine) == null, exit, "a fail-fast during the coretest");

        var figure = new StringBuilder();
        figure.AppendLine("# " + machineArch.Description + ": capsule verification inside the firmware (efi-app coretest mode), " + DateTime.UtcNow.ToString("u"));
        figure.AppendLine("# ms from a 10 ms firmware timer tick counter (QEMU virtual clock = host time under TCG; a lost tick makes it read low);"
            + " rtc_seconds from GetTime, whose Nanosecond field OVMF leaves 0 (printed: rtc_nanosecond_field)");
        foreach (string name in new[] { "capsule.rsa2048.A", "capsule.rsa2048.B", "capsule.pkcs7.A", "capsule.pkcs7.B" })
        {
            SerialLine? time = serial.Find(new Regex("^CORETEST TIME " + Regex.Escape(name) + " "));
            BootAssert.NotNull(time, exit, "CORETEST TIME " + name);
            figure.AppendLine(time!.Text);
        }
        foreach (string name in new[] { "capsule.rsa2048.B", "capsule.pkcs7.B" })
        {
            SerialLine? times = serial.Find(new Regex("^CORETEST TIMES " + Regex.Escape(name) + " runs="));
            BootAssert.NotNull(times, exit, "CORETEST TIMES " + name);
            figure.AppendLine(times!.Text);
        }
        SerialLine? offerTime = serial.Find(new Regex("^CORETEST TIME offer-signature "));
        BootAssert.NotNull(offerTime, exit, "CORETEST TIME offer-signature");
        figure.AppendLine(offerTime!.Text);
        SerialLine? fecTime = serial.Find(new Regex("^CORETEST TIME fec "));
        BootAssert.NotNull(fecTime, exit, "CORETEST TIME fec");
        figure.AppendLine(fecTime!.Text);
        SerialLine? arena = serial.Find(new Regex("^CORETEST ARENA "));
        if (arena != null)
        {
            figure.AppendLine(arena.Text);
        }
        _output.WriteLine(figure.ToString());
        TestEnvironment.Repo.WriteFigure(machineArch == QemuArch.Arm64 ? "aavmf-verify.txt" : "ovmf-verify.txt", figure.ToString());
    }

    private static string SharedDir()
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(CoreTestBootTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "SharedDir" && !string.IsNullOrEmpty(attribute.Value))
            {
                return attribute.Value!;
            }
        }
        throw new InvalidOperationException("assembly metadata SharedDir is missing (tests.props)");
    }
}
