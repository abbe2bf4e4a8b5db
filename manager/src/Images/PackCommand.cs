using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using UefiRecovery.Core.Common;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Images;

/// <summary>`image pack`: payload + versions + key → signed FMP capsule (RSA2048/SHA256 or PKCS7).</summary>
internal static class PackCommand
{
    public static Command Build()
    {
        var payload = new Option<FileInfo>("--payload") { Description = "Firmware payload file.", Required = true };
        var imageType = new Option<string>("--image-type") { Description = "UpdateImageTypeId GUID (registry form).", Required = true };
        var version = new Option<string>("--version") { Description = "FwVersion (decimal or 0x hex).", Required = true };
        var lsv = new Option<string>("--lsv") { Description = "LowestSupportedVersion (decimal or 0x hex).", Required = true };
        var key = new Option<FileInfo?>("--key") { Description = "Signing private key, PEM (rsa2048: required; pkcs7: defaults to --cert)." };
        var monotonicCount = new Option<string>("--monotonic-count") { Description = "MonotonicCount (signed).", DefaultValueFactory = _ => "0" };
        var hardwareInstance = new Option<string>("--hardware-instance") { Description = "UpdateHardwareInstance (0 = any).", DefaultValueFactory = _ => "0" };
        var imageIndex = new Option<string>("--image-index") { Description = "UpdateImageIndex.", DefaultValueFactory = _ => "1" };
        var dependency = new Option<string?>("--dependency-hex") { Description = "EFI_FIRMWARE_IMAGE_DEP bytes in hex (must end with 0D)." };
        var format = new Option<string>("--format") { Description = "rsa2048 or pkcs7.", DefaultValueFactory = _ => "rsa2048" };
        format.AcceptOnlyFromAmong("rsa2048", "pkcs7");
        var cert = new Option<FileInfo?>("--cert") { Description = "pkcs7: signer certificate PEM (may hold the key too)." };
        var extraCerts = new Option<FileInfo[]>("--extra-cert") { Description = "pkcs7: more certificates to embed (intermediates).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Capsule file to write (an existing file only with --force).", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the --output file if it exists." };
        var maxSize = ImageLimits.CreateOption("payload file");

        var command = new Command("pack", "Build a signed FMP capsule in EDK2's layout.");
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
            if (!CliValues.TryParseUInt32(parseResult.GetValue(version), out uint fwVersion)
                || !CliValues.TryParseUInt32(parseResult.GetValue(lsv), out uint lowest))
            {
                return Fail(stderr, "--version and --lsv must be 32-bit numbers");
            }
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
            if (!CliValues.TryParseUInt64(parseResult.GetValue(monotonicCount), out ulong count)
                || !CliValues.TryParseUInt64(parseResult.GetValue(hardwareInstance), out ulong instance)
                || !CliValues.TryParseUInt32(parseResult.GetValue(imageIndex), out uint index) || index > byte.MaxValue)
            {
                return Fail(stderr, "--monotonic-count, --hardware-instance (64-bit) or --image-index (0..255) is not a number");
            }
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
                    return Fail(stderr, "--payload " + payloadPath + " is empty: there is no firmware to pack");
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
                stdout.WriteLine($"wrote {outputFile.FullName} ({capsule.Length} bytes, {parseResult.GetValue(format)}, FwVersion 0x{fwVersion:X8}, LSV 0x{lowest:X8})");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                return Fail(stderr, e.Message);
            }
        });
        return command;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("image pack: " + message);
        return ExitCodes.UsageOrInput;
    }
}
