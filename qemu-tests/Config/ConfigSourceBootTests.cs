using System;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.App;
using UefiRecovery.Testbed.Firmware;
using UefiRecovery.Testbed.Qemu;
using Xunit;

namespace UefiRecovery.QemuTests.Config;

/// <summary>
/// The configuration sources in OVMF 2022.11 (issues #6 and #10, docs/config.md): a setting from the ESP file takes
/// effect; the boot-services EFI variable beats SMBIOS beats the ESP file key by key, and the sources the OS can
/// write carry no protected key; bad values and an oversized source
/// are reported on the console (ConOut, mirrored on serial) and the app falls back to the next source or
/// stops before touching anything. Each boot uses fvbcheck (fast, no NIC) as the mode the settings select.
/// </summary>
public sealed class ConfigSourceBootTests
{
    private static readonly Regex FvbCheckDone = new(@"^FIRMWARE FVBCHECK DONE result=ok$");
    private const string ProtectedRefusal = "protected key: not taken from a source the OS can write";
    private const string DxeFvGuid = "8C8CE578-8A3D-4F1C-9935-896185C32DD3";

    [Fact]
    public async Task EspFile_ModeAndLogTakeEffect_ProtectedKeysRefused()
    {
        // The OS-writable file may choose a mode the platform did not set and the log level; debugexit and
        // discovery are protected (issue #10): discovery=manager alone would stop recovery with reason=config.
        AppBootResult boot = await ConfigBoot.RunAsync("config-esp", variable: null,
            ConfigBoot.Text("# written by the test\nuefirecovery.mode=fvbcheck\nuefirecovery.debugexit=1\nuefirecovery.log=debug\nuefirecovery.discovery=manager\n"),
            new[] { EfiAppConsole.DebugExitOemString });

        Find(boot, @"^CONFIG source=efi-variable name=UefiRecoveryConfig status=absent$");
        Find(boot, @"^CONFIG source=esp-file path=\\EFI\\BOOT\\uefirecovery\.cfg status=read bytes=\d+$");
        Find(boot, @"^CONFIG mode=fvbcheck source=esp-file$");
        Find(boot, @"^CONFIG debugexit=1 source=smbios$");
        Find(boot, @"^CONFIG rejected source=esp-file line=3 entry=""uefirecovery\.debugexit=1"" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^CONFIG log=debug source=esp-file$");
        Find(boot, @"^CONFIG rejected source=esp-file line=5 entry=""uefirecovery\.discovery=manager"" reason=""" + ProtectedRefusal + @"""$");
        // log=debug names the keys left at their defaults (and only those).
        Find(boot, @"^CONFIG default manager$");
        Find(boot, @"^CONFIG default discovery$");
        BootAssert.True(boot.Serial.Find(new Regex("^CONFIG default (mode|debugexit|log)$")) == null, boot.Exit, "a key a source set listed as default");
        BootAssert.True(boot.Serial.Find(new Regex("^CONFIG rejected combination")) == null, boot.Exit, "the file's discovery=manager was taken");
        Find(boot, @"^CONFIG DONE mode=fvbcheck source=esp-file rejected=2$");
        // The mode really ran, and debugexit (from SMBIOS) ended the machine.
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task AllThreeSources_VariableBeatsSmbiosBeatsEspFile()
    {
        // mode and netdiag.timeout in all three, gateway (protected) and next in file and SMBIOS, manager only in
        // SMBIOS. The variable (NV+BS, set before the OS) may carry a protected key; the ESP file may not, and
        // it ranks below SMBIOS (issue #10): the OS cannot replace what the platform set.
        AppBootResult boot = await ConfigBoot.RunAsync("config-precedence",
            ConfigBoot.TextVariable("uefirecovery.mode=fvbcheck\nuefirecovery.netdiag.timeout=11\nuefirecovery.lsv=7\n"),
            ConfigBoot.Text("uefirecovery.mode=netdiag\nuefirecovery.netdiag.timeout=22\nuefirecovery.gateway=10.0.0.1\nuefirecovery.lsv=5\n"
                + "uefirecovery.next=\\EFI\\b.efi\n"),
            new[]
            {
                "uefirecovery.mode=selftest", "uefirecovery.netdiag.timeout=33", "uefirecovery.gateway=10.0.0.2",
                "uefirecovery.manager=10.0.0.3", EfiAppConsole.DebugExitOemString, "uefirecovery.next=\\EFI\\a.efi",
            });

        Find(boot, @"^CONFIG source=efi-variable name=UefiRecoveryConfig status=read bytes=\d+ attributes=0x00000003$");
        Find(boot, @"^CONFIG mode=fvbcheck source=efi-variable$");
        Find(boot, @"^CONFIG netdiag\.timeout=11 source=efi-variable$");
        Find(boot, @"^CONFIG lsv=7 source=efi-variable$");
        Find(boot, @"^CONFIG overridden mode=selftest source=smbios by=efi-variable$");
        Find(boot, @"^CONFIG overridden netdiag\.timeout=33 source=smbios by=efi-variable$");
        Find(boot, @"^CONFIG gateway=10\.0\.0\.2 source=smbios$");
        Find(boot, @"^CONFIG manager=10\.0\.0\.3 source=smbios$");
        Find(boot, @"^CONFIG debugexit=1 source=smbios$");
        Find(boot, @"^CONFIG next=\\EFI\\a\.efi source=smbios$");
        Find(boot, @"^CONFIG overridden mode=netdiag source=esp-file by=efi-variable$");
        Find(boot, @"^CONFIG overridden netdiag\.timeout=22 source=esp-file by=efi-variable$");
        Find(boot, @"^CONFIG rejected source=esp-file line=3 entry=""uefirecovery\.gateway=10\.0\.0\.1"" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^CONFIG rejected source=esp-file line=4 entry=""uefirecovery\.lsv=5"" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^CONFIG overridden next=\\EFI\\b\.efi source=esp-file by=smbios$");
        Find(boot, @"^CONFIG DONE mode=fvbcheck source=efi-variable rejected=2$");
        // The order the app applies them in: the ESP file after SMBIOS.
        BootAssert.True(Line(boot, "^CONFIG manager=10\\.0\\.0\\.3 source=smbios$") < Line(boot, "^CONFIG source=esp-file "), boot.Exit,
            "the ESP file was applied before SMBIOS");
        BootAssert.True(boot.Serial.Find(new Regex("^SELFTEST ")) == null && boot.Serial.Find(new Regex("^NETDIAG ")) == null, boot.Exit,
            "a lower source's mode ran");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok' (the variable's mode)",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task BadValues_RejectedWithReasonAndNextSourceUsed()
    {
        // The variable is larger than 4 KiB: refused whole. SMBIOS has a bad mode and a bad timeout: the ESP file
        // (the next source) supplies them. The file also has a protected key (fvbcheck.fs: refused, the check stays
        // on the mapped target), a non-ASCII line, a repeated key and a foreign line.
        var oversized = new ConfigBoot.Variable(Encoding.ASCII.GetBytes("uefirecovery.mode=netdiag\n" + new string('#', 5000) + "\n"),
            VarStoreWriter.NonVolatileBootService);
        byte[] file = Concat(
            ConfigBoot.Text("uefirecovery.mode=fvbcheck\nuefirecovery.netdiag.timeout=7\nuefirecovery.fvbcheck.fs=" + DxeFvGuid + "\n"),
            Encoding.UTF8.GetBytes("uefirecovery.next=\\EFI\\\u00e9.efi\r\n"),
            ConfigBoot.Text("uefirecovery.mode=coretest\nmode=netdiag\n"));
        AppBootResult boot = await ConfigBoot.RunAsync("config-bad", oversized, file,
            new[] { "uefirecovery.mode=repair", "uefirecovery.netdiag.timeout=ten", EfiAppConsole.DebugExitOemString });

        Find(boot, @"^CONFIG rejected source=efi-variable name=UefiRecoveryConfig reason=""larger than 4096 bytes"" size=\d+$");
        Find(boot, @"^CONFIG rejected source=smbios entry=""uefirecovery\.mode=repair"" reason=""unknown mode \(auto, recover, netdiag, selftest, coretest, fvbcheck, stage-to-bmc\)""$");
        Find(boot, @"^CONFIG rejected source=smbios entry=""uefirecovery\.netdiag\.timeout=ten"" reason=""not a whole number of seconds""$");
        // Fallback: what SMBIOS got wrong comes from the file.
        Find(boot, @"^CONFIG mode=fvbcheck source=esp-file$");
        Find(boot, @"^CONFIG netdiag\.timeout=7 source=esp-file$");
        Find(boot, @"^CONFIG rejected source=esp-file line=3 entry=""uefirecovery\.fvbcheck\.fs=" + DxeFvGuid + @""" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^CONFIG rejected source=esp-file line=4 reason=""line has bytes outside printable ASCII""$");
        Find(boot, @"^CONFIG rejected source=esp-file line=5 entry=""uefirecovery\.mode=coretest"" reason=""key repeated in the same source; the first value stays""$");
        Find(boot, @"^CONFIG rejected source=esp-file line=6 entry=""mode=netdiag"" reason=""not a uefirecovery\. setting""$");
        Find(boot, @"^CONFIG DONE mode=fvbcheck source=esp-file rejected=7$");
        // The file's fvbcheck.fs was refused: the check looks at the mapped target (OVMF's NV store), not the DXE FV.
        Find(boot, @"^FIRMWARE FVBCHECK BEGIN target-fs=FFF12B8D-7696-4C8B-A985-2747075B4F50 ");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task EspFileOversized_RefusedWholeSmbiosStillApplies()
    {
        byte[] file = ConfigBoot.Text("uefirecovery.mode=netdiag\n" + new string('#', 4100) + "\n");
        AppBootResult boot = await ConfigBoot.RunAsync("config-esp-oversized", variable: null, file,
            new[] { "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString });

        Find(boot, @"^CONFIG rejected source=esp-file file reason=""larger than 4096 bytes""$");
        Find(boot, @"^CONFIG DONE mode=fvbcheck source=smbios rejected=1$");
        BootAssert.True(boot.Serial.Find(new Regex("^CONFIG mode=netdiag")) == null, boot.Exit, "a line of the oversized file was applied");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task EspFileRandomBytes_LinesRejectedAppCarriesOn()
    {
        // 4 KiB of seeded random bytes: hostile input in the real firmware. Every line is rejected or
        // skipped, nothing is applied from it, and the SMBIOS mode still runs.
        byte[] file = new byte[4096];
        new Random(20261121).NextBytes(file);
        AppBootResult boot = await ConfigBoot.RunAsync("config-esp-garbage", variable: null, file,
            new[] { "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString });

        Find(boot, @"^CONFIG source=esp-file path=\\EFI\\BOOT\\uefirecovery\.cfg status=read bytes=4096$");
        Find(boot, @"^CONFIG rejected source=esp-file line=\d+ ");
        BootAssert.True(boot.Serial.Find(new Regex(" source=esp-file$")) == null, boot.Exit, "a setting applied from random bytes");
        Find(boot, @"^CONFIG DONE mode=fvbcheck source=smbios rejected=\d+$");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task DiscoveryManagerWithoutManager_RecoveryStopsBeforeTouchingAnything()
    {
        // From the platform (here the variable set before the OS): a combination that stops recovery. From the
        // ESP file the same line is refused (EspFile_ModeAndLogTakeEffect_ProtectedKeysRefused).
        AppBootResult boot = await ConfigBoot.RunAsync("config-stop", ConfigBoot.TextVariable("uefirecovery.discovery=manager\n"),
            espFile: null, new[] { "uefirecovery.mode=recover", EfiAppConsole.DebugExitOemString });

        Find(boot, @"^CONFIG discovery=manager source=efi-variable$");
        Find(boot, @"^CONFIG rejected combination reason=""discovery=manager needs uefirecovery\.manager=ADDR\[:PORT\]""$");
        SerialLine? done = boot.Serial.Find(new Regex(@"^RECOVERY DONE verdict=failed reason=config"));
        BootAssert.True(boot.Serial.Find(new Regex("^(RECOVERY (REGION|PHASE)|FIRMWARE MARKER)")) == null, boot.Exit,
            "recovery went past the configuration check");
        BootAssert.SentinelAndExitCode(boot.Exit, done, "'RECOVERY DONE verdict=failed reason=config'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
    }

    [Fact]
    public async Task RuntimeWritableVariable_ProtectedKeyRefusedOtherKeysApplied()
    {
        // Attributes NV+BS+RT: what efivarfs creates from Linux, so the running OS could have written it. It ranks
        // below SMBIOS and may not carry protected keys: neither a trust key nor fvbcheck's write (issue #10).
        AppBootResult boot = await ConfigBoot.RunAsync("config-rt-variable",
            ConfigBoot.TextVariable("uefirecovery.mode=fvbcheck\nuefirecovery.fvbcheck.write=restore-selftest\nuefirecovery.trust.rsa2048=" + new string('a', 64) + "\n",
                VarStoreWriter.NonVolatileBootServiceRuntime),
            espFile: null, new[] { EfiAppConsole.DebugExitOemString });

        Find(boot, @"^CONFIG source=efi-variable name=UefiRecoveryConfig status=read bytes=\d+ attributes=0x00000007$");
        Find(boot, @"^CONFIG rejected source=efi-variable line=2 entry=""uefirecovery\.fvbcheck\.write=restore-selftest"" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^CONFIG rejected source=efi-variable line=3 entry=""uefirecovery\.trust\.rsa2048=a{64}"" reason=""" + ProtectedRefusal + @"""$");
        Find(boot, @"^CONFIG mode=fvbcheck source=efi-variable$");
        Find(boot, @"^FIRMWARE FVBCHECK BEGIN .* write=none$");
        BootAssert.True(Line(boot, "^CONFIG debugexit=1 source=smbios$") < Line(boot, "^CONFIG source=efi-variable "), boot.Exit,
            "the runtime-writable variable was applied before SMBIOS");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task TargetMap_ImageTypeMappedToDxeFv_FvbCheckJudgesThatRegion()
    {
        // The map sends the configured image type to the DXE FV (FFS2, 192 x 64 KiB, no variable store):
        // fvbcheck locates it by FileSystemGuid and base, and the validity rule accepts that shape.
        const string imageType = "6dcbd5ed-e82d-4c44-bda1-7194199ad92a";
        AppBootResult boot = await ConfigBoot.RunAsync("config-target-map", variable: null, espFile: null, new[]
        {
            "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString, "uefirecovery.image-type=" + imageType,
            "uefirecovery.target=" + imageType + ",fv=" + DxeFvGuid + ",size=0xC00000,block=0x10000,base=0x900000",
        });

        Find(boot, @"^CONFIG target=" + imageType + ",fv=" + DxeFvGuid + @",size=0xC00000,block=0x10000,base=0x900000 source=smbios$");
        Find(boot, @"^FIRMWARE FVBCHECK BEGIN target-fs=" + DxeFvGuid + " size=0xC00000 blocks=192x65536 write=none$");
        Find(boot, @"^FIRMWARE REGION fs=" + DxeFvGuid + @" base=0x900000 size=0xC00000 blocks=192x65536 attrs=0x[0-9A-F]{8} backing=ram verdict=valid reason=valid ");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    [Fact]
    public async Task TargetMap_BaseMatchesNoFvb_RegionNotFoundNothingChecked()
    {
        AppBootResult boot = await ConfigBoot.RunAsync("config-target-base", variable: null, espFile: null, new[]
        {
            "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString,
            "uefirecovery.target=6dcbd5ed-e82d-4c44-bda1-7194199ad92a,fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0x84000,base=0x900000",
        });

        Find(boot, @"^FIRMWARE REGION fs=FFF12B8D-7696-4C8B-A985-2747075B4F50 verdict=invalid reason=not-found ");
        BootAssert.True(boot.Serial.Find(new Regex(@"^FIRMWARE REGION fs=\S+ base=")) == null, boot.Exit, "a region judged although no FVB is at the base");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^FIRMWARE FVBCHECK DONE result=fail$")), "'FIRMWARE FVBCHECK DONE result=fail'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
    }

    [Fact]
    public async Task TargetMap_RecoveryImageTypeWithoutEntry_StopsBeforeTheRegion()
    {
        // Recovery asks the map for its image type; the map only knows another type: nothing is located or written.
        AppBootResult boot = await ConfigBoot.RunAsync("config-target-recovery", variable: null, espFile: null, new[]
        {
            "uefirecovery.mode=recover", EfiAppConsole.DebugExitOemString,
            "uefirecovery.image-type=6dcbd5ed-e82d-4c44-bda1-7194199ad92a",
            "uefirecovery.trust.rsa2048=" + new string('a', 64),
            "uefirecovery.target=11111111-2222-3333-4444-555555555555,fv=FFF12B8D-7696-4C8B-A985-2747075B4F50,size=0x84000",
        });

        Find(boot, @"^RECOVERY REGION verdict=invalid reason=no-target message=""no uefirecovery\.target for the image type""$");
        BootAssert.True(boot.Serial.Find(new Regex("^(RECOVERY PHASE|FIRMWARE MARKER)")) == null, boot.Exit, "recovery went on without a target");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(new Regex("^RECOVERY DONE verdict=failed reason=no-target$")),
            "'RECOVERY DONE verdict=failed reason=no-target'", DebugExit.ExitCodeFor(EfiAppConsole.ExitFailure));
    }

    [Fact]
    public async Task TrustX509_PinnedFileOnEsp_TrustedWrongPinRefused()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=UefiRecovery config test root", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        byte[] der = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).RawData;
        string pin = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(der));
        string wrongPin = new string('0', 64);

        AppBootResult boot = await ConfigBoot.RunAsync("config-trust-x509", variable: null, espFile: null, new[]
        {
            "uefirecovery.mode=fvbcheck", EfiAppConsole.DebugExitOemString,
            @"uefirecovery.trust.x509=\certs\root.der,sha256=" + pin,
            @"uefirecovery.trust.x509=\certs\other.der,sha256=" + wrongPin,
        }, extraEspFiles: new[] { ("certs/root.der", der), ("certs/other.der", der) });

        Find(boot, @"^CONFIG trust\.x509 path=\\certs\\root\.der bytes=" + der.Length + " status=pinned$");
        Find(boot, @"^CONFIG rejected trust\.x509 path=\\certs\\other\.der reason=""sha256 of the file differs from the pin""$");
        Find(boot, @"^CONFIG DONE mode=fvbcheck source=smbios rejected=1$");
        BootAssert.SentinelAndExitCode(boot.Exit, boot.Serial.Find(FvbCheckDone), "'FIRMWARE FVBCHECK DONE result=ok'",
            DebugExit.ExitCodeFor(EfiAppConsole.ExitSuccess));
    }

    private static void Find(AppBootResult boot, string pattern) =>
        BootAssert.NotNull(boot.Serial.Find(new Regex(pattern)), boot.Exit, pattern);

    // The serial line number of the first match; fails the test when there is none.
    private static int Line(AppBootResult boot, string pattern)
    {
        SerialLine? line = boot.Serial.Find(new Regex(pattern));
        BootAssert.NotNull(line, boot.Exit, pattern);
        return line!.Number;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        int length = 0;
        foreach (byte[] part in parts)
            length += part.Length;
        byte[] all = new byte[length];
        int offset = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(all, offset);
            offset += part.Length;
        }
        return all;
    }
}
