using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using UefiRecovery.Core.Common;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Images;

/// <summary>`image pack`: payload + versions + key → signed FMP capsule (RSA2048/SHA256 or PKCS7).</summary>
internal static class PackCommand
{
    public static Command Build()
    {
        var payload = new Option<FileInfo>("--payload") { Description = "Firmware payload file.", HelpName = "FILE", Required = true };
        var imageType = new Option<string>("--image-type") { Description = "UpdateImageTypeId GUID (registry form).", HelpName = "GUID", Required = true };
        var version = CliNumber.UInt32WithoutDefault("--version", "FwVersion, decimal or 0x hex.", "VERSION", required: true);
        var lsv = CliNumber.UInt32WithoutDefault("--lsv", "LowestSupportedVersion the image sets (the machines' new rollback floor), decimal or 0x hex; at most --version.", "VERSION", required: true);
        var key = new Option<FileInfo?>("--key") { Description = "Signing private key, PEM (rsa2048: required; pkcs7: defaults to --cert).", HelpName = "KEY.pem" };
        var monotonicCount = CliNumber.UInt64("--monotonic-count", "MonotonicCount (signed), decimal or 0x hex.", 0, "N");
        var hardwareInstance = CliNumber.UInt64("--hardware-instance", "UpdateHardwareInstance (0 = any), decimal or 0x hex.", 0, "N");
        var imageIndex = CliNumber.UInt32("--image-index", "UpdateImageIndex, 0..255.", 1, "N", byte.MaxValue);
        var dependency = new Option<string?>("--dependency-hex") { Description = "EFI_FIRMWARE_IMAGE_DEP bytes in hex (must end with 0D).", HelpName = "HEX" };
        var format = new Option<string>("--format") { Description = "Signature format: rsa2048 or pkcs7.", HelpName = "rsa2048|pkcs7", DefaultValueFactory = _ => "rsa2048" };
        format.AcceptOnlyFromAmong("rsa2048", "pkcs7");
        var cert = new Option<FileInfo?>("--cert") { Description = "pkcs7: signer certificate PEM (may hold the key too).", HelpName = "CERT.pem" };
        var extraCerts = new Option<FileInfo[]>("--extra-cert") { Description = "pkcs7: more certificates to embed (intermediates).", HelpName = "CERT.pem", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Capsule file to write (an existing file only with --force).", HelpName = "FILE", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the --output file if it exists." };
        var maxSize = ImageLimits.CreateOption("payload file");

        var command = new Command("pack", "Build a signed FMP capsule in EDK2's layout.\n\nExample:\n  uefirecovery-manager image pack --payload OVMF_VARS_4M.fd --image-type 6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10 \\\n      --version 0x00010002 --lsv 0x00010000 --key signing-key.pem -o vars.cap");
        foreach (Option option in new Option[] { payload, imageType, version, lsv, key, monotonicCount, hardwareInstance, imageIndex, dependency, format, cert, extraCerts, output, force, maxSize })
        {
            command.Options.Add(option);
        }

        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            if (!CliValues.TryParseGuid(parseResult.GetValue(imageType), out EfiGuid type))
            {
                return Fail(stderr, "--image-type is not a GUID like 6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10");
            }
            uint fwVersion = parseResult.GetValue(version);
            uint lowest = parseResult.GetValue(lsv);
            if (lowest > fwVersion)
            {
                // A machine takes an image only at or above its stored LSV, and installing this one would raise
                // that floor above the image itself: the capsule could never be installed again.
                return Fail(stderr, $"--lsv 0x{lowest:X8} is above --version 0x{fwVersion:X8}: the lowest supported version must not exceed the image's own");
            }
            FileInfo outputFile = parseResult.GetValue(output)!;
            bool replace = parseResult.GetValue(force);
            if (Directory.Exists(outputFile.FullName))
            {
                return Fail(stderr, "--output " + outputFile.FullName + " is a folder; give the capsule's file name");
            }
            if (File.Exists(outputFile.FullName) && !replace)
            {
                return Fail(stderr, "--output " + outputFile.FullName + " exists; add --force to replace it");
            }
            ulong count = parseResult.GetValue(monotonicCount);
            ulong instance = parseResult.GetValue(hardwareInstance);
            uint index = parseResult.GetValue(imageIndex);
            if (!ImageLimits.TryParse(parseResult.GetValue(maxSize), out long maxBytes, out string sizeError))
            {
                return Fail(stderr, sizeError);
            }
            byte[] dependencyBytes = Array.Empty<byte>();
            string? dependencyHex = parseResult.GetValue(dependency);
            if (!string.IsNullOrEmpty(dependencyHex))
            {
                try
                {
                    dependencyBytes = Convert.FromHexString(dependencyHex);
                }
                catch (FormatException)
                {
                    return Fail(stderr, "--dependency-hex is not hex");
                }
                if (Core.Image.FirmwareImageDependency.TryMeasure(dependencyBytes, out int measured) != Core.Image.CapsuleStatus.Ok
                    || measured != dependencyBytes.Length)
                {
                    return Fail(stderr, "--dependency-hex is not one well-formed expression ending in END (0D)");
                }
            }

            try
            {
                string payloadPath = parseResult.GetValue(payload)!.FullName;
                byte[] payloadBytes = RegularFile.Read(payloadPath, maxBytes, "--max-image-size");
                if (payloadBytes.Length == 0)
                {
                    return Fail(stderr, "--payload " + payloadPath + " is empty: there is no firmware to pack", ExitCodes.Configuration);
                }
                var spec = new CapsuleSpec(payloadBytes, type, fwVersion, lowest, count, instance, (byte)index)
                {
                    Dependency = dependencyBytes,
                };
                byte[] capsule;
                FileInfo? keyFile = parseResult.GetValue(key);
                if (parseResult.GetValue(format) == "pkcs7")
                {
                    FileInfo? certFile = parseResult.GetValue(cert);
                    if (certFile is null)
                    {
                        return Fail(stderr, "--format pkcs7 needs --cert (signer certificate)");
                    }
                    string certPem = CliValues.ReadKeyText(certFile.FullName);
                    string keyPem = keyFile is null ? certPem : CliValues.ReadKeyText(keyFile.FullName);
                    CliValues.RequirePrivateKeyPem(keyPem, keyFile?.FullName ?? certFile.FullName, keyFile is null ? "--cert" : "--key");
                    using X509Certificate2 signer = X509Certificate2.CreateFromPem(certPem, keyPem);
                    var extras = new X509Certificate2Collection();
                    foreach (FileInfo extra in parseResult.GetValue(extraCerts) ?? Array.Empty<FileInfo>())
                    {
                        extras.AddRange(CliValues.CertificatesFromPem(extra.FullName));
                    }
                    capsule = CapsuleWriter.BuildPkcs7(spec, signer, extras);
                }
                else
                {
                    if (keyFile is null)
                    {
                        return Fail(stderr, "--format rsa2048 needs --key (RSA-2048 private key PEM)");
                    }
                    using RSA rsa = CliValues.ImportRsaPrivateKey(CliValues.ReadKeyText(keyFile.FullName), keyFile.FullName, "--key");
                    capsule = CapsuleWriter.BuildRsa2048(spec, rsa);
                }
                // CreateNew: a file that appeared since the check above is not overwritten either.
                using (var stream = new FileStream(outputFile.FullName, replace ? FileMode.Create : FileMode.CreateNew, FileAccess.Write))
                    stream.Write(capsule);
                if (JsonOutputOption.Requested(parseResult))
                    stdout.WriteLine(JsonSerializer.Serialize(new PackedCapsule(outputFile.FullName, capsule.Length, parseResult.GetValue(format)!,
                        CliFormat.Version(fwVersion), CliFormat.Version(lowest), Convert.ToHexStringLower(SHA256.HashData(capsule))), JsonDefaults.Web));
                else
                    stdout.WriteLine($"wrote {outputFile.FullName} ({capsule.Length} bytes, {parseResult.GetValue(format)}, FwVersion {CliFormat.Version(fwVersion)}, LSV {CliFormat.Version(lowest)})");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                return Fail(stderr, e.Message, ExitCodes.Configuration); // the payload, key or certificate file, or writing the output
            }
        });
        return command;
    }

    private static int Fail(TextWriter stderr, string message, int exitCode = ExitCodes.Usage)
    {
        stderr.WriteLine("image pack: " + message);
        return exitCode;
    }

    /// <summary>`image pack --json`: what was written (versions as everywhere else, the SHA-256 of the whole capsule as /status shows it).</summary>
    private sealed record PackedCapsule(string Output, int Bytes, string Format, string Version, string Lsv, string CapsuleSha256);
}
