using System;
using System.CommandLine;
using System.IO;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Images;

/// <summary>`image inspect FILE [--json]`: parse (no signature check) and print every header field.</summary>
internal static class InspectCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("CAPSULE") { Description = "Capsule file." };
        var maxSize = ImageLimits.CreateOption("capsule file");
        var command = new Command("inspect", "Print every header field of an FMP capsule (structure only, no trust decision).\n\nExample:\n  uefirecovery-manager image inspect vars.cap --json");
        command.Arguments.Add(file);
                command.Options.Add(maxSize);
        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            if (!ImageLimits.TryParse(parseResult.GetValue(maxSize), out long maxBytes, out string sizeError))
            {
                return Fail(stderr, "image inspect: " + sizeError, ExitCodes.Usage);
            }
            string path = parseResult.GetValue(file)!.FullName;
            if (!RegularFile.TryRead(path, maxBytes, out byte[] bytes, out string readError, "--max-image-size"))
            {
                return Fail(stderr, "image inspect: " + path + ": " + readError, ExitCodes.Configuration);
            }

            CapsuleStatus status = CapsuleParser.TryParse(bytes, out FmpCapsule capsule);
            // The whole file's hash, as serve's catalog line and /status show it; the Payload section has the payload's.
            string capsuleHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            var sections = status == CapsuleStatus.Ok ? CapsuleReport.Describe(capsule) : null;
            if (JsonOutputOption.Requested(parseResult))
            {
                string text = status == CapsuleStatus.Ok
                    ? CapsuleReport.ToJson(w =>
                    {
                        w.WriteBoolean("parsed", true);
                        w.WriteNumber("fileSize", bytes.Length);
                        w.WriteString("capsuleSha256", capsuleHash);
                        CapsuleReport.WriteJson(w, sections!);
                    })
                    : CapsuleReport.ToJson(w =>
                    {
                        w.WriteBoolean("parsed", false);
                        w.WriteNumber("fileSize", bytes.Length);
                        w.WriteString("capsuleSha256", capsuleHash);
                        w.WriteNumber("code", (int)status);
                        w.WriteString("reason", status.ToString());
                        w.WriteString("message", CapsuleStatusText.Describe(status));
                    });
                stdout.WriteLine(text);
            }
            else if (status == CapsuleStatus.Ok)
            {
                stdout.WriteLine($"file size {bytes.Length} bytes");
                stdout.WriteLine($"capsule sha256 {capsuleHash} (the whole file: serve's log and /status show this one)");
                CapsuleReport.WriteText(stdout, sections!);
            }
            else
            {
                stdout.WriteLine($"not a well-formed FMP capsule: {(int)status} {status}: {CapsuleStatusText.Describe(status)}");
            }
            return status == CapsuleStatus.Ok ? ExitCodes.Ok : ExitCodes.Rejected;
        });
        return command;
    }

    // One stderr line; with --json the command runner turns it into the JSON error object on stdout.
    private static int Fail(TextWriter stderr, string message, int exitCode)
    {
        stderr.WriteLine(message);
        return exitCode;
    }
}
