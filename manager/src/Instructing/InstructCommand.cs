using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager.Instructing;

/// <summary>
/// `instruct`: tell a running machine's agent to reboot it into recovery (docs/operating.md §8.7). Three modes:
/// standalone (sign with --key, send, wait for the AGENT_REPORT: exit 0 rebooting, 1 failed, 5 no report);
/// --out FILE (sign and write the datagram, send nothing); --via URL (a running `serve` signs, sends and follows
/// the instruction's whole life: exit 0 done, 1 failed, 5 still under way at --timeout; with --if-older-than, 7 skipped:
/// serve's inventory knows the machine is not older, 8 not sent: its version is unknown and --require-known-version).
/// </summary>
internal static class InstructCommand
{
    public const int NoReport = 5;

    /// <summary>--via --if-older-than: serve's inventory knows the machine already runs that version or a later one; nothing was sent.</summary>
    public const int Skipped = 7;

    /// <summary>--via --if-older-than --require-known-version: serve's inventory does not know the machine's version; nothing was sent.</summary>
    public const int VersionUnknown = 8;

    public static Command Build()
    {
        var agent = new Option<string?>("--agent") { HelpName = "ADDR[:PORT]", Description = "The agent: ADDR[:PORT] (port 40125 by default). Not with --out." };
        var key = new Option<string?>("--key") { HelpName = "KEY.pem", Description = "The manager's instruction key: RSA-2048 private key, PEM (standalone and --out; with --via, serve's --instruction-key signs)." };
        var mac = new Option<string>("--mac") { HelpName = "MAC", Description = "Target MAC, e.g. 52:54:00:12:34:56 (one of the machine's NICs).", Required = true };
        var uuid = new Option<string>("--uuid") { HelpName = "UUID", Description = "Target SMBIOS system UUID (/sys/class/dmi/id/product_uuid, dmidecode -s system-uuid).", Required = true };
        var managers = new Option<string[]>("--manager") { HelpName = "ADDR[:PORT]", Description = "Where the booted app asks: ADDR[:PORT] (40123 by default), 1 to 4 times (standalone and --out; with --via, serve's own address).", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => Array.Empty<string>() };
        var counterFile = new Option<string?>("--counter-file") { HelpName = "FILE", Description = "Where this key's counter lives (default: the key file + .counter)." };
        var expires = new Option<int>("--expires") { HelpName = "SECONDS", Description = "Seconds the instruction stays valid, 1..86400.", DefaultValueFactory = _ => 600 };
        var imageType = new Option<string?>("--image-type") { HelpName = "GUID", Description = "FMP image type GUID the machine is to get (for the log)." };
        var version = new Option<string?>("--version") { HelpName = "VERSION", Description = "Image version the machine is to get (for the log), decimal or 0x hex." };
        var timeout = new Option<int?>("--timeout") { HelpName = "SECONDS", Description = "Seconds to wait: for the agent's report, 1..300 (default 10); with --via for the instruction to end, 1..86400 (default 3600)." };
        var bind = new Option<string>("--bind") { HelpName = "ADDR", Description = "Local IPv4 address to send from and wait on (standalone).", DefaultValueFactory = _ => "0.0.0.0" };
        var outFile = new Option<string?>("--out") { HelpName = "FILE", Description = "Sign and write the 648-byte datagram to FILE; send nothing (offline signing)." };
        var via = new Option<string?>("--via") { HelpName = "URL", Description = "A running serve's HTTP endpoint, e.g. http://127.0.0.1:8480: serve signs, sends and follows the instruction; this prints each state." };
        var ifOlderThan = new Option<string?>("--if-older-than") { HelpName = "VERSION", Description = "With --via: send only unless serve's inventory knows the machine runs VERSION or later (then exit 7); unknown: sent, the answer says so." };
        var requireKnown = new Option<bool>("--require-known-version") { Description = "With --if-older-than: do not send when serve's inventory does not know the machine's version (exit 8)." };
        var tokenFile = new Option<string?>("--api-token-file") { HelpName = "FILE", Description = "With --via: file holding serve's API token (sent as Authorization: Bearer)." };
        var command = new Command("instruct", "Tell a running machine's agent to reboot it into recovery (signed RECOVERY_INSTRUCTION) and show its report; with --via a running serve sends it and follows the whole recovery.\n\nExample: (standalone; through serve; offline signing)\n"
            + "  uefirecovery-manager instruct --agent 10.214.0.21 --key instruction-key.pem \\\n      --mac 52:54:00:12:34:56 --uuid 8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40 --manager 10.214.0.1\n"
            + "  uefirecovery-manager instruct --via http://127.0.0.1:8480 --agent 10.214.0.21 \\\n      --mac 52:54:00:12:34:56 --uuid 8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40\n"
            + "  uefirecovery-manager instruct --out instruction.bin --key instruction-key.pem \\\n      --mac 52:54:00:12:34:56 --uuid 8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40 --manager 10.214.0.1");
        foreach (Option option in new Option[] { agent, key, mac, uuid, managers, counterFile, expires, imageType, version, timeout, bind, outFile, via, tokenFile, ifOlderThan, requireKnown })
        {
            command.Options.Add(option);
        }
        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            string? viaUrl = parseResult.GetValue(via);
            string? outPath = parseResult.GetValue(outFile);
            int? timeoutSeconds = parseResult.GetValue(timeout);
            string? problem = null;
            IPEndPoint? agentEndpoint = null;
            if (viaUrl is not null && outPath is not null) problem = "--via and --out: one or the other";
            else if (outPath is null && parseResult.GetValue(agent) is null) problem = "--agent: required (the agent's ADDR[:PORT])";
            else if (outPath is null && !InstructionText.TryEndpoint(parseResult.GetValue(agent), ProtocolConstants.AgentPort, out agentEndpoint)) problem = "--agent: not ADDR[:PORT]";
            else if (outPath is not null && parseResult.GetValue(agent) is not null) problem = "--agent: not with --out (nothing is sent)";
            else if (!InstructionText.TryMac(parseResult.GetValue(mac), out _)) problem = "--mac: not a MAC like 52:54:00:12:34:56";
            else if (!InstructionText.TryUuid(parseResult.GetValue(uuid), out _)) problem = "--uuid: not a UUID (or all zeros / all ones)";
            else if (parseResult.GetValue(expires) is < 1 or > 86400) problem = "--expires: 1..86400 seconds";
            else if (viaUrl is not null)
            {
                if (parseResult.GetValue(key) is not null || parseResult.GetValue(managers)!.Length > 0 || parseResult.GetValue(counterFile) is not null)
                    problem = "--key, --manager and --counter-file belong to serve with --via (serve --instruction-key, its own listen address)";
                else if (!Uri.TryCreate(viaUrl, UriKind.Absolute, out Uri? baseUri) || baseUri.Scheme is not ("http" or "https")) problem = "--via: not an http:// URL";
                else if (timeoutSeconds is < 1 or > 86400) problem = "--timeout: 1..86400 seconds with --via";
                else if (!InstructionText.TryVersion(parseResult.GetValue(ifOlderThan), out _)) problem = "--if-older-than: not a version (decimal, or hex with 0x)";
                else if (parseResult.GetValue(requireKnown) && parseResult.GetValue(ifOlderThan) is null) problem = "--require-known-version: only with --if-older-than";
                else
                    return InstructViaServe.Run(new InstructOutput(stdout, JsonOutputOption.Requested(parseResult)), stderr, baseUri, parseResult.GetValue(tokenFile), agentEndpoint!, parseResult.GetValue(mac)!, parseResult.GetValue(uuid)!,
                        parseResult.GetValue(expires), parseResult.GetValue(imageType), parseResult.GetValue(version), timeoutSeconds ?? 3600,
                        parseResult.GetValue(ifOlderThan), parseResult.GetValue(requireKnown));
            }
            else if (parseResult.GetValue(tokenFile) is not null) problem = "--api-token-file: only with --via";
            else if (parseResult.GetValue(ifOlderThan) is not null || parseResult.GetValue(requireKnown)) problem = "--if-older-than: only with --via (serve keeps the inventory)";
            else if (parseResult.GetValue(key) is null) problem = "--key: required (the instruction key) unless --via";
            else if (!TryTarget(parseResult.GetValue(mac)!, parseResult.GetValue(uuid)!, parseResult.GetValue(managers)!, parseResult.GetValue(imageType),
                         parseResult.GetValue(version), parseResult.GetValue(expires), out InstructionTarget target, out problem)) { }
            else if (timeoutSeconds is < 1 or > 300) problem = "--timeout: 1..300 seconds";
            else if (!IPAddress.TryParse(parseResult.GetValue(bind), out IPAddress? bindAddress) || bindAddress.AddressFamily != AddressFamily.InterNetwork) problem = "--bind: not an IPv4 address";
            else
            {
                return Run(new InstructOutput(stdout, JsonOutputOption.Requested(parseResult)), stderr, agentEndpoint, outPath, parseResult.GetValue(key)!, parseResult.GetValue(counterFile), target, timeoutSeconds ?? 10, bindAddress);
            }
            stderr.WriteLine("instruct: " + problem);
            return ExitCodes.Usage;
        });
        return command;
    }

    private static bool TryTarget(string macText, string uuidText, string[] managerTexts, string? typeText, string? versionText, int expires,
        out InstructionTarget target, out string? problem)
    {
        target = default;
        problem = null;
        InstructionText.TryMac(macText, out ulong targetMac);
        InstructionText.TryUuid(uuidText, out SystemUuid targetUuid);
        if (!InstructionText.TryManagers(managerTexts, out ManagerList list, out problem)) return false;
        if (!InstructionText.TryImageType(typeText, out ImageTypeId type)) { problem = "--image-type: not a GUID"; return false; }
        if (!InstructionText.TryVersion(versionText, out uint imageVersion)) { problem = "--version: not a number 0..4294967295 (decimal, or hex with 0x, e.g. 0x00010002)"; return false; }
        target = new InstructionTarget(targetMac, targetUuid, list, type, imageVersion, expires);
        return true;
    }

    private static int Run(InstructOutput output, TextWriter stderr, IPEndPoint? agent, string? outPath, string keyPath, string? counterPath,
        InstructionTarget target, int timeoutSeconds, IPAddress bind)
    {
        if (!InstructionSigner.TryLoad(keyPath, counterPath, out InstructionSigner? signer, out string error))
        {
            stderr.WriteLine("instruct: " + error);
            return ExitCodes.Configuration;
        }
        using (signer)
        {
            if (!signer!.TrySign(target, ManagerSenderId(), DateTimeOffset.UtcNow, out SignedInstruction? signed, out error))
            {
                stderr.WriteLine("instruct: " + error);
                return ExitCodes.Configuration;
            }
            output.Instruction(CliFormat.InstructionId(signed!.Id), signed.Counter, agent?.ToString() ?? outPath!, Serving.Sessions.SessionClient.FormatId(target.Mac),
                DateTimeOffset.FromUnixTimeSeconds((long)signed.ExpiryUnixSeconds), signed.KeyTag);
            if (outPath is not null)
            {
                try
                {
                    File.WriteAllBytes(outPath, signed.Datagram);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    stderr.WriteLine("instruct: --out " + outPath + ": " + e.Message);
                    return ExitCodes.Configuration;
                }
                output.Written(signed.Datagram.Length, outPath, signed.Counter);
                return ExitCodes.Ok;
            }
            return SendAndWait(output, signed, agent!, timeoutSeconds, bind);
        }
    }

    private static int SendAndWait(InstructOutput output, SignedInstruction signed, IPEndPoint agent, int timeoutSeconds, IPAddress bind)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(bind, 0));
        // Sent again every 2 s until a report comes: a copy that arrives after the first was taken is a replay
        // to the agent (dropped and logged), so repeating costs nothing and covers a lost datagram.
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        byte[] buffer = new byte[2048];
        int sends = 0;
        while (DateTime.UtcNow < deadline)
        {
            socket.SendTo(signed.Datagram, agent);
            sends++;
            DateTime resend = DateTime.UtcNow.AddSeconds(2) < deadline ? DateTime.UtcNow.AddSeconds(2) : deadline;
            while (DateTime.UtcNow < resend)
            {
                int waitMs = Math.Max(1, (int)(resend - DateTime.UtcNow).TotalMilliseconds);
                if (!socket.Poll(waitMs * 1000, SelectMode.SelectRead))
                {
                    break;
                }
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                int length = socket.ReceiveFrom(buffer, ref from);
                if (MessageFrame.TryParse(buffer.AsSpan(0, length), out MessageFrame frame) != WireStatus.Ok
                    || AgentReportMessage.TryParse(frame, out AgentReportMessage report, out ReadOnlySpan<byte> firmware) != WireStatus.Ok
                    || report.InstructionId != signed.Id)
                {
                    continue;
                }
                output.Report(from.ToString()!, report.State.ToString(), report.Failure != AgentFailure.None ? report.Failure.ToString() : null,
                    report.BootEntry == AgentReportMessage.NoBootEntry ? "none" : "Boot" + report.BootEntry.ToString("X4", CultureInfo.InvariantCulture),
                    System.Text.Encoding.ASCII.GetString(firmware), sends);
                return report.State == AgentState.Rebooting ? ExitCodes.Ok : ExitCodes.Rejected;
            }
        }
        output.NoReport(timeoutSeconds, sends);
        return NoReport;
    }

    // The donor id of this host (as `serve` derives its own would be nicer; any nonzero id is valid for an instruction).
    private static ulong ManagerSenderId()
    {
        byte[] hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("instruct:" + Environment.MachineName));
        ulong id = BitConverter.ToUInt64(hash);
        return id == 0 ? 1 : id;
    }
}
