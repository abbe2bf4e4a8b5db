using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Files;
using UefiRecovery.Manager.Serving.Catalog;

namespace UefiRecovery.Manager.Images;

/// <summary>
/// `image verify FILE`: the same portable verifier the firmware runs (parse, trust store, policy).
/// Exit 0 on accept, 1 on reject, 2 on a usage error, 7 on an input it could not use (<see cref="ExitCodes"/>).
/// </summary>
internal static class VerifyCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("CAPSULE") { Description = "Capsule file." };
        var keyHashes = new Option<string[]>("--trusted-key-hash") { Description = "Trusted SHA-256 of an RSA modulus, 64 hex digits (what `image key-hash` prints).", HelpName = "SHA256", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var trusted = new Option<string[]>("--trusted") { Description = "Trust anchors: PEM RSA key or certificate (RSA2048/SHA256 capsules: its modulus hash), certificate PEM/DER (PKCS7 root).", HelpName = "KEY|CERT", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var trustedKeyOld = CliAlias.Hidden(trusted, "--trusted-key");
        var trustedRootOld = CliAlias.Hidden(trusted, "--trusted-root");
        var imageType = new Option<string>("--image-type") { Description = "The target's ImageTypeId GUID.", HelpName = "GUID", Required = true };
        var lsv = CliNumber.UInt32WithoutDefault("--lsv", "The machine's stored LowestSupportedVersion (its rollback floor), decimal or 0x hex (REQUIRED).", "VERSION", required: false);
        var lsvOld = CliAlias.Hidden(lsv, "--lowest-supported");
        var hardwareInstance = CliNumber.UInt64("--hardware-instance", "The machine's hardware instance, decimal or 0x hex.", 0, "N");
        var imageIndex = CliNumber.UInt32("--image-index", "Required UpdateImageIndex (0 = any), 0..255.", 0, "N", byte.MaxValue);
        var currentVersion = CliNumber.UInt32("--current-version", "Installed firmware version (for dependency expressions), decimal or 0x hex.", 0, "VERSION");
        var regionSize = CliNumber.OptionalUInt64("--region-size", "Bytes in the target region, decimal or 0x hex (default: no limit).", "BYTES");
        var maxSize = ImageLimits.CreateOption("capsule file");

        var command = new Command("verify", "Verify a capsule the way the recovery firmware does.\n\nExample:\n  uefirecovery-manager image verify vars.cap --trusted signing-key.pub.pem \\\n      --image-type 6E3C1A1B-3F4D-4F0E-9C64-2A5D8B1F7E10 --lsv 0x00010000");
        command.Arguments.Add(file);
        foreach (Option option in new Option[] { trusted, keyHashes, trustedKeyOld, trustedRootOld, imageType, lsv, lsvOld, hardwareInstance, imageIndex, currentVersion, regionSize, maxSize })
        {
            command.Options.Add(option);
        }

        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            if (!CliValues.TryParseGuid(parseResult.GetValue(imageType), out EfiGuid type))
            {
                return Fail(stderr, "--image-type is not a GUID");
            }
            if (!CliAlias.AnyGiven(parseResult, lsv, lsvOld))
            {
                return Fail(stderr, "give --lsv, the machine's stored LowestSupportedVersion (0 when it has none)");
            }
            uint lowest = CliAlias.Value(parseResult, lsv, lsvOld);
            ulong instance = parseResult.GetValue(hardwareInstance);
            uint index = parseResult.GetValue(imageIndex);
            uint current = parseResult.GetValue(currentVersion);
            if (!ImageLimits.TryParse(parseResult.GetValue(maxSize), out long maxBytes, out string sizeError))
            {
                return Fail(stderr, sizeError);
            }
            ulong region = parseResult.GetValue(regionSize) ?? ulong.MaxValue;

            string[] trustFiles = CliAlias.Values(parseResult, trusted, trustedKeyOld, trustedRootOld);
            string[] trustHashes = parseResult.GetValue(keyHashes)!;
            if (trustFiles.Length + trustHashes.Length == 0)
            {
                return Fail(stderr, "give at least one of --trusted, --trusted-key-hash");
            }
            if (TrustStoreLoader.KeyHashProblem(trustHashes) is { } hashProblem)
            {
                return Fail(stderr, hashProblem);
            }
            TrustStore trust;
            try
            {
                trust = TrustStoreLoader.Load(trustFiles, trustHashes);
            }
            catch (InvalidDataException e)
            {
                return Fail(stderr, e.Message, ExitCodes.Configuration);
            }
            string capsulePath = parseResult.GetValue(file)!.FullName;
            if (!RegularFile.TryRead(capsulePath, maxBytes, out byte[] capsuleBytes, out string readError, "--max-image-size"))
            {
                return Fail(stderr, capsulePath + ": " + readError, ExitCodes.Configuration);
            }

            var target = new UpdateTarget(type, (byte)index, instance, lowest, current, region);
            CapsuleVerdict verdict = new CapsuleVerifier(trust).Verify(capsuleBytes, target, out FmpCapsule capsule);
            bool parsed = verdict.Status == CapsuleStatus.Ok || (int)verdict.Status >= 200;

            string certTypeName = parsed && capsule.Authentication.IsPkcs7 ? "PKCS7" : "RSA2048_SHA256";
            string imageTypeText = parsed ? CliValues.Format(capsule.ImageHeader.UpdateImageTypeId) : "";
            uint fwVersion = parsed ? capsule.PayloadHeader.FwVersion : 0;
            uint capsuleLsv = parsed ? capsule.PayloadHeader.LowestSupportedVersion : 0;
            ulong monotonicCount = parsed ? capsule.Authentication.MonotonicCount : 0;
            int payloadLength = parsed ? capsule.Payload.Length : 0;
            string payloadHash = parsed ? Convert.ToHexString(SHA256.HashData(capsule.Payload)).ToLowerInvariant() : "";
            string capsuleHash = Convert.ToHexStringLower(SHA256.HashData(capsuleBytes)); // what serve's log and /status show
            if (JsonOutputOption.Requested(parseResult))
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
                        w.WriteString("capsuleSha256", capsuleHash);
                    }
                }));
            }
            else
            {
                string detail = verdict.Pkcs7Checked && !verdict.IsAccepted ? $" ({verdict.Pkcs7Result.Failure}: {verdict.Pkcs7Result.Message})"
                    : verdict.RsaResult is not Core.Crypto.RsaVerifyResult.None and not Core.Crypto.RsaVerifyResult.Valid ? $" ({verdict.RsaResult})" : "";
                stdout.WriteLine(verdict.IsAccepted
                    ? $"ACCEPT: {certTypeName}, FwVersion 0x{fwVersion:X8}, LSV 0x{capsuleLsv:X8}, payload {payloadLength} bytes, payload sha256 {payloadHash}, capsule sha256 {capsuleHash}"
                    : $"REJECT {verdict.Code} {verdict.Status}: {verdict.Message}{detail}");
            }
            return verdict.IsAccepted ? ExitCodes.Ok : ExitCodes.Rejected;
        });
        return command;
    }

    // One stderr line; with --json the command runner turns it into the JSON error object on stdout.
    private static int Fail(TextWriter stderr, string message, int exitCode = ExitCodes.Usage)
    {
        stderr.WriteLine("image verify: " + message);
        return exitCode;
    }
}
