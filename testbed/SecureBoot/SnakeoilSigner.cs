using System;
using System.IO;
using UefiRecovery.Testbed.Tools;

namespace UefiRecovery.Testbed.SecureBoot;

/// <summary>
/// Signs an EFI image for the Secure Boot tests with Debian's snakeoil db key (<c>/usr/share/ovmf/PkKek-1-snakeoil.key</c>,
/// passphrase "snakeoil"), the key <c>OVMF_VARS_4M.snakeoil.fd</c> trusts: openssl decrypts it into the run folder
/// (sbsign would prompt for the passphrase), sbsign writes an Authenticode-signed copy. The real signing step for OEMs
/// is the build's (efi-app <c>-p:EfiSigningKey=... -p:EfiSigningCert=...</c>, docs/secure-boot.md).
/// </summary>
public static class SnakeoilSigner
{
    public const string Passphrase = "snakeoil";

    /// <summary>The Secure Boot vars template: PK/KEK/db of the snakeoil key, Secure Boot enforced.</summary>
    public static string VarsPath => HostTools.RequirePath(HostTool.OvmfSnakeoilVars);

    /// <summary>The same for an architecture: OVMF's (x64) or AAVMF's (arm64) snakeoil vars; both trust the one snakeoil key.</summary>
    public static string VarsPathFor(Qemu.QemuArch arch) => HostTools.RequirePath(arch.FirmwareSnakeoilVars);

    /// <summary>Writes <paramref name="signedPath"/>, a copy of <paramref name="imagePath"/> signed with the snakeoil key.</summary>
    public static void Sign(string imagePath, string signedPath, string workDirectory)
    {
        var tools = HostTools.Require(HostTool.SbSign, HostTool.OpenSsl, HostTool.SnakeoilKey, HostTool.SnakeoilCert);
        Directory.CreateDirectory(workDirectory);
        string plainKey = Path.Combine(workDirectory, "snakeoil-db.key");
        HostCommand.RunChecked(tools[HostTool.OpenSsl], "pkey", "-in", tools[HostTool.SnakeoilKey], "-passin", "pass:" + Passphrase, "-out", plainKey);
        HostCommand.RunChecked(tools[HostTool.SbSign], "--key", plainKey, "--cert", tools[HostTool.SnakeoilCert], "--output", signedPath, imagePath);
        File.Delete(plainKey);
    }
}
