using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Files;
using UefiRecovery.Manager.Serving;
using UefiRecovery.Manager.Serving.Catalog;

namespace UefiRecovery.Manager.Images;

/// <summary>
/// `image machine-config CAPSULE --trusted KEY`: the settings a machine needs to take this image from this manager
/// (docs/operating.md §9), in the form the channel that carries them wants: plain lines, QEMU/hypervisor SMBIOS
/// arguments, the UEFI shell's setvar, or the BMC's parameter C0h through ipmitool. The capsule is verified against the
/// key first, so a fleet is never configured with a key that does not sign the image it is meant to take.
/// </summary>
internal static class MachineConfigCommand
{
    /// <summary>The BMC's parameter C0h holds at most this many bytes (its length is one byte; docs/bmc.md).</summary>
    private const int BmcParameterMaxBytes = 255;

    private const string VariableGuid = "1C2F4AFA-2835-41FD-9CBC-7E594C1BC6AB";

    public static Command Build()
    {
        var file = new Argument<FileInfo>("CAPSULE") { Description = "The signed capsule the machines are to take (its image type and rollback floor are read from it)." };
        var trusted = new Option<string[]>("--trusted") { HelpName = "KEY|CERT", Description = "The firmware signing key (RSA-2048 PEM public or private key, or certificate): uefirecovery.trust.rsa2048. The capsule must verify against it.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var managers = new Option<string[]>("--manager") { HelpName = "ADDR:PORT", Description = "A manager the machine asks (uefirecovery.manager), up to 4, in order; none: the machine finds one by broadcast or DHCP option 43.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var managerKey = new Option<string?>("--manager-key") { HelpName = "KEY|CERT", Description = "serve --signing-key's key: the machine then takes only OFFERs it signs (uefirecovery.trust.manager)." };
        var instructionKey = new Option<string?>("--instruction-key") { HelpName = "KEY|CERT", Description = "serve --instruction-key's key: the machine then follows instructions it signs (uefirecovery.trust.instruction)." };
        var lsv = CliNumber.OptionalUInt64("--lsv", "The machine's rollback floor (uefirecovery.lsv), decimal or 0x hex; default: the capsule's LowestSupportedVersion.", "VERSION");
        var mode = new Option<string>("--mode") { HelpName = "auto|recover", Description = "auto (default): recover only an invalid region, else boot on; recover: always reflash.", DefaultValueFactory = _ => "auto" };
        mode.AcceptOnlyFromAmong("auto", "recover");
        var format = new Option<string>("--format") { HelpName = "lines|qemu|efi-shell|bmc-ipmitool|json", Description = "lines: one setting per line (the variable's or the BMC parameter's text); qemu: -smbios type=11 arguments; efi-shell: the setvar command for the UEFI shell (NV+BS, protected); bmc-ipmitool: Set System Info Parameters C0h commands (at most 255 bytes); json.", DefaultValueFactory = _ => "lines" };
        format.AcceptOnlyFromAmong("lines", "qemu", "efi-shell", "bmc-ipmitool", "json");

        var command = new Command("machine-config", "Print the settings that make a machine take this capsule from these managers, in the form its channel wants.\n\nExample:\n  uefirecovery-manager image machine-config fw.cap --trusted fw-signing.pub.pem --manager 10.0.0.5:40123 --format qemu");
        command.Arguments.Add(file);
        foreach (Option option in new Option[] { trusted, managers, managerKey, instructionKey, lsv, mode, format })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            string form = parseResult.GetValue(format)!;
            if (JsonOutputOption.Requested(parseResult))
            {
                // --json is --format json; another --format beside it is a contradiction, not a choice to guess.
                if (form != "json" && parseResult.GetResult(format) is { Implicit: false })
                    return Fail(stdout, stderr, true, "--json prints the settings as JSON; leave out --format " + form, ExitCodes.Usage);
                form = "json";
            }
            bool json = form == "json";
            string[] trustFiles = parseResult.GetValue(trusted)!;
            if (trustFiles.Length == 0)
                return Fail(stdout, stderr, json, "give --trusted, the key that signs the firmware capsules", ExitCodes.UsageOrInput);

            var lines = new List<string> { "uefirecovery.mode=" + parseResult.GetValue(mode) };
            TrustStore trust;
            try
            {
                trust = TrustStoreLoader.Load(trustFiles, Array.Empty<string>());
                foreach (string path in trustFiles)
                    lines.Add("uefirecovery.trust.rsa2048=" + Convert.ToHexStringLower(CliValues.ModulusHashFromPem(path)));
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                return Fail(stdout, stderr, json, e.Message, ExitCodes.Configuration);
            }

            string capsulePath = parseResult.GetValue(file)!.FullName;
            if (!RegularFile.TryRead(capsulePath, ImageLimits.DefaultMaxImageBytes, out byte[] capsuleBytes, out string readError, "--max-image-size"))
                return Fail(stdout, stderr, json, capsulePath + ": " + readError, ExitCodes.Configuration);
            if (CapsuleParser.TryParse(capsuleBytes, out FmpCapsule capsule) != CapsuleStatus.Ok)
                return Fail(stdout, stderr, json, capsulePath + " is not a well-formed capsule (image inspect says why)", ExitCodes.Rejected);
            EfiGuid imageType = capsule.ImageHeader.UpdateImageTypeId;
            ulong? floorGiven = parseResult.GetValue(lsv);
            if (floorGiven > uint.MaxValue)
                return Fail(stdout, stderr, json, "--lsv is a 32-bit version (at most 0xFFFFFFFF)", ExitCodes.UsageOrInput);
            uint floor = (uint?)floorGiven ?? capsule.PayloadHeader.LowestSupportedVersion;
            // The same check the machine makes, with the floor it will hold: a setting it would refuse is never printed.
            CapsuleVerdict verdict = new CapsuleVerifier(trust).Verify(capsuleBytes, new UpdateTarget(imageType, 0, 0, floor, 0, ulong.MaxValue), out _);
            if (!verdict.IsAccepted)
                return Fail(stdout, stderr, json, "the machines would refuse " + Path.GetFileName(capsulePath) + " with these settings: " + verdict.Status + ": " + verdict.Message, ExitCodes.Rejected);
            lines.Add("uefirecovery.image-type=" + CliValues.Format(imageType));
            lines.Add("uefirecovery.lsv=" + CliFormat.Version(floor));

            string[] managerTexts = parseResult.GetValue(managers)!;
            if (managerTexts.Length > 4)
                return Fail(stdout, stderr, json, "a machine holds at most 4 --manager addresses", ExitCodes.UsageOrInput);
            foreach (string text in managerTexts)
            {
                if (!EndpointText.TryParse(text, 40123, out IPEndPoint endpoint) || endpoint.Address.Equals(IPAddress.Any) || endpoint.Port == 0)
                    return Fail(stdout, stderr, json, "--manager " + text + " is not an IPv4 ADDR[:PORT] a machine can reach", ExitCodes.UsageOrInput);
                lines.Add("uefirecovery.manager=" + endpoint);
            }
            foreach ((string? path, string key) in new[] { (parseResult.GetValue(managerKey), "manager"), (parseResult.GetValue(instructionKey), "instruction") })
            {
                if (path == null) continue;
                try { lines.Add("uefirecovery.trust." + key + "=" + Convert.ToHexStringLower(CliValues.ModulusHashFromPem(path))); }
                catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or System.Security.Cryptography.CryptographicException)
                {
                    return Fail(stdout, stderr, json, "--" + key + "-key " + path + ": " + e.Message, ExitCodes.Configuration);
                }
            }
            return Print(stdout, stderr, form, lines);
        });
        return command;
    }

    private static int Print(TextWriter stdout, TextWriter stderr, string form, List<string> lines)
    {
        switch (form)
        {
            case "qemu":
                // QEMU splits option values on ',': a literal comma is written twice.
                stdout.WriteLine(string.Join(" \\\n", lines.Select(l => "-smbios type=11,value=" + l.Replace(",", ",,", StringComparison.Ordinal))));
                break;
            case "efi-shell":
                // ShellPkg's setvar: =S<text> is ASCII without a terminator, =0A a line feed (docs/config.md).
                stdout.WriteLine("setvar UefiRecoveryConfig -guid " + VariableGuid + " -nv -bs " + string.Join(" ", lines.Select(l => "=S" + l + " =0A")));
                break;
            case "bmc-ipmitool":
                byte[] text = Encoding.ASCII.GetBytes(string.Join("\n", lines));
                if (text.Length > BmcParameterMaxBytes)
                {
                    stderr.WriteLine("image machine-config: these settings are " + text.Length + " bytes; the BMC's parameter C0h holds at most "
                        + BmcParameterMaxBytes + ". Put the trust keys in SMBIOS or the NV+BS variable and give the BMC only --manager (and --mode).");
                    return ExitCodes.UsageOrInput;
                }
                // Set 0: encoding 0 (ASCII), the total length, the first 14 bytes; set n: the next 16 (IPMI 2.0 §22.14a's string layout).
                stdout.WriteLine("ipmitool raw 0x06 0x58 0xC0 0x00 0x00 " + Hex(text.Length) + Bytes(text, 0, 14));
                for (int set = 1, offset = 14; offset < text.Length; set++, offset += 16)
                    stdout.WriteLine("ipmitool raw 0x06 0x58 0xC0 " + Hex(set) + Bytes(text, offset, 16));
                break;
            case "json":
                stdout.WriteLine(JsonSerializer.Serialize(new { settings = lines }));
                break;
            default:
                foreach (string line in lines) stdout.WriteLine(line);
                break;
        }
        return ExitCodes.Ok;
    }

    private static string Hex(int value) => "0x" + value.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);

    private static string Bytes(byte[] text, int offset, int count)
    {
        var builder = new StringBuilder();
        for (int i = offset; i < Math.Min(text.Length, offset + count); i++)
            builder.Append(' ').Append(Hex(text[i]));
        return builder.ToString();
    }

    private static int Fail(TextWriter stdout, TextWriter stderr, bool json, string message, int exitCode) =>
        JsonError.Report(stdout, stderr, json, "image machine-config: " + message, exitCode);
}
