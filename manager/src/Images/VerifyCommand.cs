using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Images;

/// <summary>
/// `image verify FILE`: the same portable verifier the firmware runs (parse, trust store, policy).
/// Exit 0 on accept, 1 on reject, 2 on a usage error or an input it could not read (<see cref="ExitCodes"/>).
/// </summary>
internal static class VerifyCommand
{
    private const int MaxTrustEntries = 64;

    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "Capsule file." };
        var keyHashes = new Option<string[]>("--trusted-key-hash") { Description = "Trusted SHA-256(RSA modulus), 64 hex digits.", AllowMultipleArgumentsPerToken = true };
        var keys = new Option<FileInfo[]>("--trusted-key") { Description = "Trusted RSA key (PEM public/private key or certificate): its modulus hash is trusted.", AllowMultipleArgumentsPerToken = true };
        var roots = new Option<FileInfo[]>("--trusted-root") { Description = "Trusted root certificate for PKCS7 capsules (DER or PEM).", AllowMultipleArgumentsPerToken = true };
        var imageType = new Option<string>("--image-type") { Description = "The target's ImageTypeId GUID.", Required = true };
        var lowest = new Option<string>("--lowest-supported") { Description = "The machine's stored LowestSupportedVersion.", Required = true };
        var hardwareInstance = new Option<string>("--hardware-instance") { Description = "The machine's hardware instance.", DefaultValueFactory = _ => "0" };
        var imageIndex = new Option<string>("--image-index") { Description = "Required UpdateImageIndex (0 = any).", DefaultValueFactory = _ => "0" };
        var currentVersion = new Option<string>("--current-version") { Description = "Installed version (for dependency expressions).", DefaultValueFactory = _ => "0" };
        var regionSize = new Option<string?>("--region-size") { Description = "Bytes in the target region (default: no limit)." };
        var json = new Option<bool>("--json") { Description = "Print a machine-readable verdict." };
        var maxSize = ImageLimits.CreateOption("capsule file");

        var command = new Command("verify", "Verify a capsule the way the recovery firmware does.");
        command.Arguments.Add(file);
        foreach (Option option in new Option[] { keyHashes, keys, roots, imageType, lowest, hardwareInstance, imageIndex, currentVersion, regionSize, json, maxSize })
        {
            command.Options.Add(option);
        }

        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            if (!CliValues.TryParseGuid(parseResult.GetValue(imageType), out EfiGuid type))
            {
                return Fail(stdout, stderr, parseResult.GetValue(json), "--image-type is not a GUID");
            }
            if (!CliValues.TryParseUInt32(parseResult.GetValue(lowest), out uint lsv)
                || !CliValues.TryParseUInt64(parseResult.GetValue(hardwareInstance), out ulong instance)
                || !CliValues.TryParseUInt32(parseResult.GetValue(imageIndex), out uint index) || index > byte.MaxValue
                || !CliValues.TryParseUInt32(parseResult.GetValue(currentVersion), out uint current))
            {
                return Fail(stdout, stderr, parseResult.GetValue(json), "a numeric option is not a number in range");
            }
            if (!ImageLimits.TryParse(parseResult.GetValue(maxSize), out long maxBytes, out string sizeError))
            {
                return Fail(stdout, stderr, parseResult.GetValue(json), sizeError);
            }
            ulong region = ulong.MaxValue;
            string? regionText = parseResult.GetValue(regionSize);
            if (regionText is not null && !CliValues.TryParseUInt64(regionText, out region))
            {
                return Fail(stdout, stderr, parseResult.GetValue(json), "--region-size is not a number");
            }

            var trust = new TrustStore(MaxTrustEntries, MaxTrustEntries, 1 << 20);
            byte[] capsuleBytes;
            try
            {
                foreach (string hex in parseResult.GetValue(keyHashes) ?? Array.Empty<string>())
                {
                    byte[] hash;
                    try
                    {
                        hash = Convert.FromHexString(hex.Trim());
                    }
                    catch (FormatException)
                    {
                        return Fail(stdout, stderr, parseResult.GetValue(json), "--trusted-key-hash is not hex: " + hex);
                    }
                    if (!trust.TryAddKeyHash(hash))
                    {
                        return Fail(stdout, stderr, parseResult.GetValue(json), "--trusted-key-hash must be 32 bytes (64 hex digits): " + hex);
                    }
                }
                foreach (FileInfo key in parseResult.GetValue(keys) ?? Array.Empty<FileInfo>())
                {
                    trust.TryAddKeyHash(CliValues.ModulusHashFromPem(key.FullName));
                }
                foreach (FileInfo root in parseResult.GetValue(roots) ?? Array.Empty<FileInfo>())
                {
                    if (!trust.TryAddRootCertificate(CliValues.CertificateDer(root.FullName)))
                    {
                        return Fail(stdout, stderr, parseResult.GetValue(json), "trust store full: " + root.FullName);
                    }
                }
                string capsulePath = parseResult.GetValue(file)!.FullName;
                if (!RegularFile.TryRead(capsulePath, maxBytes, out capsuleBytes, out string readError, "--max-image-size"))
                {
                    return Fail(stdout, stderr, parseResult.GetValue(json), capsulePath + ": " + readError);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                return Fail(stdout, stderr, parseResult.GetValue(json), e.Message);
            }
            if (trust.KeyHashCount == 0 && trust.RootCertificateCount == 0)
            {
                return Fail(stdout, stderr, parseResult.GetValue(json), "give at least one of --trusted-key-hash, --trusted-key, --trusted-root");
            }

            var target = new UpdateTarget(type, (byte)index, instance, lsv, current, region);
            CapsuleVerdict verdict = new CapsuleVerifier(trust).Verify(capsuleBytes, target, out FmpCapsule capsule);
            bool parsed = verdict.Status == CapsuleStatus.Ok || (int)verdict.Status >= 200;

            string certTypeName = parsed && capsule.Authentication.IsPkcs7 ? "PKCS7" : "RSA2048_SHA256";
            string imageTypeText = parsed ? CliValues.Format(capsule.ImageHeader.UpdateImageTypeId) : "";
            uint fwVersion = parsed ? capsule.PayloadHeader.FwVersion : 0;
            uint capsuleLsv = parsed ? capsule.PayloadHeader.LowestSupportedVersion : 0;
            ulong monotonicCount = parsed ? capsule.Authentication.MonotonicCount : 0;
            int payloadLength = parsed ? capsule.Payload.Length : 0;
            string payloadHash = parsed ? Convert.ToHexString(SHA256.HashData(capsule.Payload)).ToLowerInvariant() : "";
            if (parseResult.GetValue(json))
            {
                stdout.WriteLine(CapsuleReport.ToJson(w =>
                {
                    w.WriteBoolean("accepted", verdict.IsAccepted);
                    w.WriteNumber("code", verdict.Code);
                    w.WriteString("reason", verdict.Status.ToString());
                    w.WriteString("message", verdict.Message);
                    if (verdict.RsaResult != Core.Crypto.RsaVerifyResult.None)
                    {
                        w.WriteString("rsa", verdict.RsaResult.ToString());
                    }
                    if (verdict.Pkcs7Checked)
                    {
                        w.WriteString("pkcs7", verdict.Pkcs7Result.Failure.ToString());
                        w.WriteString("pkcs7Message", verdict.Pkcs7Result.Message);
                    }
                    if (parsed)
                    {
                        w.WriteString("certType", certTypeName);
                        w.WriteString("imageTypeId", imageTypeText);
                        w.WriteNumber("fwVersion", fwVersion);
                        w.WriteNumber("lowestSupportedVersion", capsuleLsv);
                        w.WriteNumber("monotonicCount", monotonicCount);
                        w.WriteNumber("payloadLength", payloadLength);
                        w.WriteString("payloadSha256", payloadHash);
                    }
                }));
            }
            else
            {
                string detail = verdict.Pkcs7Checked && !verdict.IsAccepted ? $" ({verdict.Pkcs7Result.Failure}: {verdict.Pkcs7Result.Message})"
                    : verdict.RsaResult is not Core.Crypto.RsaVerifyResult.None and not Core.Crypto.RsaVerifyResult.Valid ? $" ({verdict.RsaResult})" : "";
                stdout.WriteLine(verdict.IsAccepted
                    ? $"ACCEPT: {certTypeName}, FwVersion 0x{fwVersion:X8}, LSV 0x{capsuleLsv:X8}, payload {payloadLength} bytes, sha256 {payloadHash}"
                    : $"REJECT {verdict.Code} {verdict.Status}: {verdict.Message}{detail}");
            }
            return verdict.IsAccepted ? ExitCodes.Ok : ExitCodes.Rejected;
        });
        return command;
    }

    private static int Fail(TextWriter stdout, TextWriter stderr, bool json, string message) =>
        JsonError.Report(stdout, stderr, json, "image verify: " + message, ExitCodes.UsageOrInput);
}
