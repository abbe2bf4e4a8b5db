using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Esp;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Network;
using UefiRecovery.Testbed.Qemu;
using Xunit;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// Recovery takes its Root of Trust for Update from the app's one configuration resolution (docs/config.md):
/// every <c>uefirecovery.trust.rsa2048</c>, the <c>uefirecovery.trust.x509</c> root certificates whose ESP file
/// matched the pin, image type and rollback floor. Against the real manager in a namespace:
/// a PKCS7 capsule made by EDK2's GenerateCapsule.py (vectors/edk2-capsules/pkcs7/B_pkcs7_ovmfvars.cap, payload
/// OVMF_VARS_4M.fd) recovers with EDK2's TestRoot.cer configured through a pinned <c>trust.x509</c>; the same
/// capsule with a wrong pin is refused (Pkcs7NoTrustedRoot) and nothing is written; an RSA2048 capsule signed
/// by the second of two configured keys recovers. Without the network: a refused <c>lsv</c> stops recovery
/// (reason=config) before the region is touched, instead of running with no rollback floor. Needs root.
/// Namespaces and devices are prefixed "tru".
/// </summary>
public sealed class TrustConfigRecoveryTests
{
    private const string NamespacePrefix = "tru";
    private const string CertificateEspPath = "certs/root.der";
    private const string CertificateConfigPath = @"\certs\root.der";

    /// <summary>SHA-256 of the untrusted test key's modulus (vectors/edk2-capsules README, keys/untrusted-rsa2048).</summary>
    private const string SecondKeyHash = "e5ea9839121739d8436fa2cdbe54fbb1b4533a2ab90a233e4bbda5e0a2c84c25";

    private static readonly TimeSpan MachineTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RejectTimeout = TimeSpan.FromMinutes(6);

    private readonly ITestOutputHelper _output;

    public TrustConfigRecoveryTests(ITestOutputHelper output) => _output = output;

    private static string Vectors => Path.Combine(RecoveryManager.SharedDir, "vectors", "edk2-capsules");

    private static string Pkcs7Capsule => Path.Combine(Vectors, "pkcs7", "B_pkcs7_ovmfvars.cap");

    private static string Pkcs7Root => Path.Combine(Vectors, "keys", "edk2-pkcs7-test", "TestRoot.cer");

    private static string VectorPayload => Path.Combine(Vectors, "inputs", "OVMF_VARS_4M.fd");

    [RootFact]
    public async Task Recover_Pkcs7CapsuleRootPinnedThroughTrustX509_RecoveredVarsEqualPayload()
    {
        byte[] root = File.ReadAllBytes(Pkcs7Root);
        string pin = Convert.ToHexString(SHA256.HashData(root)).ToLowerInvariant();
        Lab lab = await Lab.CreateAsync("tru-pkcs7", Pkcs7Capsule, root);
        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await ServeAsync(segment, lab, Array.Empty<string>(), new[] { Pkcs7Root });

        (QemuExit exit, SerialLog serial) = await lab.Machine(segment, "1-machine", MachineTimeout, new[]
        {
            "uefirecovery.trust.x509=" + CertificateConfigPath + ",sha256=" + pin,
        }).RunToExitAsync();
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(lab.RunDirectory, manager);

        Find(serial, exit, @"^CONFIG trust\.x509 path=\\certs\\root\.der bytes=" + root.Length + " status=pinned$");
        Find(serial, exit, @"^RECOVERY TRUST rsa2048=0 \[\] x509=1 \[" + pin.Substring(0, 8) + @"\] manager=0 \[\] image-type=" + RecoveryManager.ImageType
            + " lsv=0x00010000$");
        Find(serial, exit, @"^RECOVERY VERIFIED version=0x00010002 payload=540672 capsule=" + new FileInfo(Pkcs7Capsule).Length + "$");
        Find(serial, exit, @"^RECOVERY WRITE recovery=recovered result=success block=-1 written=\d+ ");
        E2eRecoveryLab.AssertRecovered(exit, serial, lab.Payload, lab.Results, managerOutput);
    }

    [RootFact]
    public async Task Recover_Pkcs7CapsuleRootWithWrongPin_RefusedPkcs7NoTrustedRootNothingWritten()
    {
        // The right certificate file, but the pin is the hash of another root: the file is not trusted. An RSA key is
        // configured so recovery still runs and meets the capsule (else it would stop before the network).
        byte[] root = File.ReadAllBytes(Pkcs7Root);
        string wrongPin = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(
            Path.Combine(Vectors, "keys", "untrusted-pkcs7", "UntrustedRoot.pub.pem")))).ToLowerInvariant();
        Lab lab = await Lab.CreateAsync("tru-wrongpin", Pkcs7Capsule, root);
        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await ServeAsync(segment, lab, Array.Empty<string>(), new[] { Pkcs7Root });

        QemuMachine machine = lab.Machine(segment, "1-wrongpin", RejectTimeout + TimeSpan.FromMinutes(1), new[]
        {
            "uefirecovery.trust.x509=" + CertificateConfigPath + ",sha256=" + wrongPin,
            "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
        });
        (QemuExit exit, SerialLog serial, SerialLine? rejected) = await E2eRecoveryLab.RunUntilRejectedAsync(machine, lab.Results, RejectTimeout);
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(lab.RunDirectory, manager);

        Find(serial, exit, @"^CONFIG rejected trust\.x509 path=\\certs\\root\.der reason=""sha256 of the file differs from the pin""$");
        Find(serial, exit, @"^RECOVERY TRUST rsa2048=1 \[9129c4bd\] x509=0 \[\] ");
        BootAssert.NotNull(rejected, exit, "a RECOVERY REJECTED line" + managerOutput);
        _output.WriteLine("refusal on serial: " + rejected!.Text);
        BootAssert.True(new Regex(@"^RECOVERY REJECTED code=205 reason=Pkcs7NoTrustedRoot message=""[^""]+"" result-reason=2$").IsMatch(rejected.Text),
            exit, "the rejection reason: " + rejected.Text);
        BootAssert.True(serial.IndexOf("^(FIRMWARE MARKER|RECOVERY WRITE|RECOVERY VERIFIED|RECOVERY PHASE writing)") < 0, exit,
            "a verification success or write step although the root certificate's pin was wrong");
        Assert.Matches(new Regex(@"""clientId"":""52:54:00:12:34:56"".*""outcome"":""failure"",""code"":2\b"),
            string.Join("\n", E2eRecoveryLab.ResultLines(lab.Results)));
        AssertUntouched(lab.Template, File.ReadAllBytes(exit.VarsPath));
    }

    [RootFact]
    public async Task Recover_TwoRsaKeysCapsuleSignedBySecond_Recovered()
    {
        string runDirectory = TestEnvironment.NewRunDirectory("tru-secondkey");
        string payloadPath = Path.Combine(runDirectory, "payload-ovmf-vars.fd");
        File.Copy(VectorPayload, payloadPath);
        string capsule = await RecoveryManager.PackAsync(payloadPath, RecoveryManager.UntrustedKey, Path.Combine(runDirectory, "second-key.cap"));
        Lab lab = await Lab.CreateAsync(runDirectory, capsule, certificate: null);
        using E2eSegment segment = E2eSegment.Create(NamespacePrefix);
        using NamespaceProcess manager = await ServeAsync(segment, lab, new[] { SecondKeyHash }, Array.Empty<string>());

        (QemuExit exit, SerialLog serial) = await lab.Machine(segment, "1-machine", MachineTimeout, new[]
        {
            "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
            "uefirecovery.trust.rsa2048=" + SecondKeyHash,
        }).RunToExitAsync();
        string managerOutput = "\nmanager:\n" + E2eRecoveryLab.SaveManagerLog(lab.RunDirectory, manager);

        Find(serial, exit, @"^RECOVERY TRUST rsa2048=2 \[9129c4bd,e5ea9839\] x509=0 \[\] manager=0 \[\] image-type=" + RecoveryManager.ImageType + " lsv=0x00010000$");
        Find(serial, exit, @"^RECOVERY VERIFIED version=0x00010002 payload=540672 ");
        E2eRecoveryLab.AssertRecovered(exit, serial, lab.Payload, lab.Results, managerOutput);
    }

    /// <summary>Rows: the label, the EFI variable's text (null: none, attributes NV+BS), the SMBIOS lsv entry, the refused entry's source and line.</summary>
    [RootTheory]
    [InlineData("smbios", null, "uefirecovery.lsv=banana", "source=smbios", "uefirecovery.lsv=banana")]
    [InlineData("variable", "uefirecovery.lsv=0x1_0000\n", "uefirecovery.lsv=0x00010000", "source=efi-variable line=1", "uefirecovery.lsv=0x1_0000")]
    public async Task Recover_LsvRefused_StopsWithReasonConfigVarsUnchanged(string label, string? variable, string smbiosLsv, string where, string refused)
    {
        // A refused floor must not become 0 (any old, signed, vulnerable image would then be accepted); also not
        // when a lower source supplies a value: what the higher source meant is unknown.
        string runDirectory = TestEnvironment.NewRunDirectory("tru-lsv-" + label);
        byte[] template = E2eRecoveryLab.Interrupted(File.ReadAllBytes(VectorPayload));
        if (variable != null)
        {
            template = VarStoreWriter.Append(template, "UefiRecoveryConfig", new Guid("1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB"),
                VarStoreWriter.NonVolatileBootService, Encoding.ASCII.GetBytes(variable));
        }
        string templatePath = Path.Combine(runDirectory, "interrupted-vars.fd");
        File.WriteAllBytes(templatePath, template);
        EspImage esp = E2eRecoveryLab.BuildEsp(Path.Combine(runDirectory, "esp.img"), interruptedMarker: true);
        var machine = new QemuMachine(new QemuMachineOptions
        {
            BootDisk = esp,
            RunDirectory = Path.Combine(runDirectory, "1-" + label),
            OemStrings = new[]
            {
                "uefirecovery.mode=recover", EfiAppConsole.DebugExitOemString,
                "uefirecovery.trust.rsa2048=" + RecoveryManager.TestKeyHash,
                "uefirecovery.image-type=" + RecoveryManager.ImageType, smbiosLsv,
            },
            Timeout = AppBoot.DefaultTimeout,
            VarsTemplatePath = templatePath,
        });
        (QemuExit exit, SerialLog serial) = await machine.RunToExitAsync();

        Find(serial, exit, "^CONFIG rejected " + Regex.Escape(where) + " entry=\"" + Regex.Escape(refused) + "\" reason=\"not a 32-bit number \\(decimal or 0x hex\\)\"$");
        Find(serial, exit, @"^RECOVERY CONFIG protected key rejected key=lsv count=1 reason=""not a 32-bit number \(decimal or 0x hex\)""$");
        BootAssert.True(serial.Find(new Regex("^(RECOVERY (REGION|PHASE|TRUST)|FIRMWARE MARKER)")) == null, exit,
            "recovery went past the configuration check");
        BootAssert.SentinelAndExitCode(exit, serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=config$")),
            "'RECOVERY DONE verdict=failed reason=config'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
        AssertUntouched(template, File.ReadAllBytes(exit.VarsPath));
    }

    private void AssertUntouched(byte[] before, byte[] after) =>
        _output.WriteLine("blocks changed during the run (OVMF's own variable writes): "
            + E2eRecoveryLab.AssertNothingWritten(before, after, "nothing may be written"));

    private static void Find(SerialLog serial, QemuExit exit, string pattern, string context = "") =>
        BootAssert.NotNull(serial.Find(new Regex(pattern)), exit, pattern + context);

    /// <summary>The lab's <c>serve</c> offering the images folder, trusting exactly <paramref name="keyHashes"/> and <paramref name="files"/>.</summary>
    private static Task<NamespaceProcess> ServeAsync(E2eSegment segment, Lab lab, string[] keyHashes, string[] files) =>
        RecoveryManager.ServeAsync(segment.Namespace, E2eRecoveryLab.Serve(lab.Images, lab.Results, gatherSeconds: 1) with
        {
            TrustedKeyHashes = keyHashes,
            TrustedFiles = files,
            Name = "tru-test",
        });

    /// <summary>One run's files: the capsule in an images folder, the interrupted vars, the ESP (app, marker, optional root certificate).</summary>
    private sealed record Lab(string RunDirectory, string Images, string Results, byte[] Payload, byte[] Template, string TemplatePath, EspImage Esp)
    {
        public static Task<Lab> CreateAsync(string labelOrRunDirectory, string capsulePath, byte[]? certificate)
        {
            string runDirectory = Path.IsPathRooted(labelOrRunDirectory) ? labelOrRunDirectory : TestEnvironment.NewRunDirectory(labelOrRunDirectory);
            string images = Directory.CreateDirectory(Path.Combine(runDirectory, "images")).FullName;
            // Copied into this run's own folder at run time (the vectors stay in ../shared).
            File.Copy(capsulePath, Path.Combine(images, Path.GetFileName(capsulePath)), overwrite: true);
            byte[] payload = File.ReadAllBytes(VectorPayload);
            byte[] template = E2eRecoveryLab.Interrupted(payload);
            string templatePath = Path.Combine(runDirectory, "interrupted-vars.fd");
            File.WriteAllBytes(templatePath, template);
            EspBuilder builder = E2eRecoveryLab.EspWith(interruptedMarker: true);
            if (certificate != null)
                builder.WithFile(CertificateEspPath, certificate);
            EspImage esp = builder.BuildFatImage(Path.Combine(runDirectory, "esp.img"));
            return Task.FromResult(new Lab(runDirectory, images, Path.Combine(runDirectory, "results.jsonl"), payload, template, templatePath, esp));
        }

        /// <summary>The machine: mode=auto on the interrupted region, static address, the manager, image type, floor, and <paramref name="trust"/>.</summary>
        public QemuMachine Machine(E2eSegment segment, string name, TimeSpan timeout, IReadOnlyList<string> trust)
        {
            var oem = new List<string>
            {
                "uefirecovery.mode=auto", EfiAppConsole.DebugExitOemString, "uefirecovery.ip=" + E2eRecoveryLab.MachineAddress + "/24",
                "uefirecovery.manager=" + E2eRecoveryLab.Listen,
                "uefirecovery.image-type=" + RecoveryManager.ImageType, "uefirecovery.lsv=" + RecoveryManager.LowestSupportedVersion,
            };
            oem.AddRange(trust);
            return segment.Machine(Path.Combine(RunDirectory, name), Esp, oem, timeout, TemplatePath);
        }
    }
}
