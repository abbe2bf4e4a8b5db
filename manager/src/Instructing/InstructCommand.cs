using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Instructing;

/// <summary>
/// `instruct`: sign a RECOVERY_INSTRUCTION for one machine, send it to its agent, wait for the AGENT_REPORT and
/// show it (docs/operating.md §8.7). Exit 0 when the agent reports it is rebooting into recovery, 1 when it
/// reports a failure, 5 when no report came (the agent logs why it refused an instruction; it never answers a
/// refused one).
/// </summary>
internal static class InstructCommand
{
    public const int NoReport = 5;

    public static Command Build()
    {
        var agent = new Option<string>("--agent") { HelpName = "ADDR[:PORT]", Description = "The agent: ADDR[:PORT] (port 40125 by default).", Required = true };
        var key = new Option<string>("--key") { HelpName = "KEY.pem", Description = "The manager's instruction key: RSA-2048 private key, PEM.", Required = true };
        var mac = new Option<string>("--mac") { HelpName = "MAC", Description = "Target MAC, e.g. 52:54:00:12:34:56 (one of the machine's NICs).", Required = true };
        var uuid = new Option<string>("--uuid") { HelpName = "UUID", Description = "Target SMBIOS system UUID (/sys/class/dmi/id/product_uuid, dmidecode -s system-uuid).", Required = true };
        var managers = new Option<string[]>("--manager") { HelpName = "ADDR[:PORT]", Description = "Where the booted app asks: ADDR[:PORT] (40123 by default), 1 to 4 times.", Required = true, AllowMultipleArgumentsPerToken = false };
        var counterFile = new Option<string?>("--counter-file") { HelpName = "FILE", Description = "Where this key's counter lives (default: the key file + .counter)." };
        var expires = new Option<int>("--expires") { HelpName = "SECONDS", Description = "Seconds the instruction stays valid, 1..86400.", DefaultValueFactory = _ => 600 };
        var imageType = new Option<string?>("--image-type") { HelpName = "GUID", Description = "FMP image type GUID the machine is to get (for the log)." };
        var version = new Option<string?>("--version") { HelpName = "VERSION", Description = "Image version the machine is to get (for the log), decimal or 0x hex." };
        var timeout = new Option<int>("--timeout") { HelpName = "SECONDS", Description = "Seconds to wait for the agent's report, 1..300.", DefaultValueFactory = _ => 10 };
        var bind = new Option<string>("--bind") { HelpName = "ADDR", Description = "Local IPv4 address to send from and wait on.", DefaultValueFactory = _ => "0.0.0.0" };
        var command = new Command("instruct", "Tell a running machine's agent to reboot it into recovery (signed RECOVERY_INSTRUCTION), and show its report.\n\nExample:\n  uefirecovery-manager instruct --agent 10.214.0.21 --key instruction-key.pem \\\n      --mac 52:54:00:12:34:56 --uuid 8c5e0d6a-3f1b-4b8e-9d3a-2f6c1e7a9b40 --manager 10.214.0.1");
        foreach (Option option in new Option[] { agent, key, mac, uuid, managers, counterFile, expires, imageType, version, timeout, bind })
        {
            command.Options.Add(option);
        }
        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            string? problem = null;
            if (!TryEndpoint(parseResult.GetValue(agent)!, ProtocolConstants.AgentPort, out IPEndPoint? agentEndpoint)) problem = "--agent: not ADDR[:PORT]";
            else if (!TryMac(parseResult.GetValue(mac)!, out ulong targetMac)) problem = "--mac: not a MAC like 52:54:00:12:34:56";
            else if (!TryUuid(parseResult.GetValue(uuid)!, out SystemUuid targetUuid)) problem = "--uuid: not a UUID (or all zeros / all ones)";
            else if (!TryManagers(parseResult.GetValue(managers)!, out ManagerList list, out problem)) { }
            else if (!TryImageType(parseResult.GetValue(imageType), out ImageTypeId type)) problem = "--image-type: not a GUID";
            else if (!TryVersion(parseResult.GetValue(version), out uint imageVersion)) problem = "--version: not a number 0..4294967295 (decimal, or hex with 0x, e.g. 0x00010002)";
            else if (parseResult.GetValue(expires) is < 1 or > 86400) problem = "--expires: 1..86400 seconds";
            else if (parseResult.GetValue(timeout) is < 1 or > 300) problem = "--timeout: 1..300 seconds";
            else if (!IPAddress.TryParse(parseResult.GetValue(bind), out IPAddress? bindAddress) || bindAddress.AddressFamily != AddressFamily.InterNetwork) problem = "--bind: not an IPv4 address";
            else
            {
                return Run(stdout, stderr, agentEndpoint!, parseResult.GetValue(key)!, parseResult.GetValue(counterFile), targetMac, targetUuid, list,
                    type, imageVersion, parseResult.GetValue(expires), parseResult.GetValue(timeout), bindAddress);
            }
            stderr.WriteLine("instruct: " + problem);
            return ExitCodes.UsageOrInput;
        });
        return command;
    }

    private static int Run(TextWriter stdout, TextWriter stderr, IPEndPoint agent, string keyPath, string? counterPath, ulong mac, SystemUuid uuid,
        ManagerList managers, ImageTypeId type, uint imageVersion, int expiresSeconds, int timeoutSeconds, IPAddress bind)
    {
        if (!InstructionKeyFile.TryLoad(keyPath, out RSA? rsa, out byte[] modulus, out string error))
        {
            stderr.WriteLine("instruct: " + error);
            return ExitCodes.UsageOrInput;
        }
        using (rsa)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            if (!InstructionCounter.TryTakeNext(counterPath ?? keyPath + ".counter", now, out ulong counter, out error))
            {
                stderr.WriteLine("instruct: " + error);
                return ExitCodes.UsageOrInput;
            }
            ulong id = 0;
            while (id == 0)
            {
                id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
            }
            ulong expiry = (ulong)now.ToUnixTimeSeconds() + (ulong)expiresSeconds;
            var instruction = new InstructionMessage(id, counter, expiry, mac, uuid, type, imageVersion, managers);
            byte[] datagram = new byte[InstructionSignature.DatagramLength];
            uint messageId = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            WireStatus status = instruction.TryBeginEmit(datagram, new MessageIds(messageId, 0, ManagerSenderId()), modulus);
            byte[] digest = new byte[Sha256.DigestSize];
            if (status != WireStatus.Ok || !InstructionSignature.TryComputeDigest(datagram, new Sha256(), digest))
            {
                stderr.WriteLine("instruct: cannot encode the instruction: " + status);
                return ExitCodes.UsageOrInput;
            }
            byte[] signature = rsa!.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            InstructionSignature.TryFinish(datagram, signature, out _);

            stdout.WriteLine("instruction id=0x" + id.ToString("X16", CultureInfo.InvariantCulture) + " counter=" + counter + " to=" + agent
                + " mac=" + FormatMac(mac) + " expires=" + DateTimeOffset.FromUnixTimeSeconds((long)expiry).ToString("u", CultureInfo.InvariantCulture)
                + " key-sha256=" + Convert.ToHexStringLower(SHA256.HashData(modulus)).Substring(0, 16));
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(bind, 0));
            // Sent again every 2 s until a report comes: a copy that arrives after the first was taken is a replay
            // to the agent (dropped and logged), so repeating costs nothing and covers a lost datagram.
            DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
            byte[] buffer = new byte[2048];
            int sends = 0;
            while (DateTime.UtcNow < deadline)
            {
                socket.SendTo(datagram, agent);
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
                        || report.InstructionId != id)
                    {
                        continue;
                    }
                    stdout.WriteLine("report from=" + from + " state=" + report.State
                        + (report.Failure != AgentFailure.None ? " failure=" + report.Failure : "")
                        + " boot-entry=" + (report.BootEntry == AgentReportMessage.NoBootEntry ? "none" : "Boot" + report.BootEntry.ToString("X4", CultureInfo.InvariantCulture))
                        + " firmware=\"" + System.Text.Encoding.ASCII.GetString(firmware) + "\" sends=" + sends);
                    return report.State == AgentState.Rebooting ? ExitCodes.Ok : ExitCodes.Rejected;
                }
            }
            stdout.WriteLine("no report from the agent within " + timeoutSeconds + " s after " + sends + " sends: the agent is not running or not reachable,"
                + " or it refused the instruction (another key, MAC or UUID, its clock past the expiry, a replay); its log says which");
            return NoReport;
        }
    }

    // The donor id of this host (as `serve` derives its own would be nicer; any nonzero id is valid for an instruction).
    private static ulong ManagerSenderId()
    {
        byte[] hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("instruct:" + Environment.MachineName));
        ulong id = BitConverter.ToUInt64(hash);
        return id == 0 ? 1 : id;
    }

    private static bool TryEndpoint(string text, ushort defaultPort, out IPEndPoint? endpoint)
    {
        endpoint = null;
        string host = text;
        ushort port = defaultPort;
        int colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            host = text.Substring(0, colon);
            if (!ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port == 0)
            {
                return false;
            }
        }
        if (!IPAddress.TryParse(host, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        endpoint = new IPEndPoint(address, port);
        return true;
    }

    private static bool TryManagers(string[] texts, out ManagerList list, out string? problem)
    {
        list = default;
        problem = null;
        if (texts.Length < 1 || texts.Length > ManagerList.MaxCount)
        {
            problem = "--manager: 1 to 4 managers";
            return false;
        }
        foreach (string text in texts)
        {
            if (!TryEndpoint(text, ProtocolConstants.DonorPort, out IPEndPoint? endpoint))
            {
                problem = "--manager " + text + ": not ADDR[:PORT]";
                return false;
            }
            byte[] a = endpoint!.Address.GetAddressBytes();
            uint address = (uint)(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
            list.TryAdd(new DatagramEndpoint(address, (ushort)endpoint.Port), out list);
        }
        if (!list.IsValid)
        {
            problem = "--manager: 0.0.0.0 and 255.255.255.255 are no manager";
            return false;
        }
        return true;
    }

    private static bool TryMac(string text, out ulong mac)
    {
        mac = 0;
        string[] parts = text.Split(':', '-');
        if (parts.Length != 6)
        {
            return false;
        }
        foreach (string part in parts)
        {
            if (part.Length != 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }
            mac = mac << 8 | b;
        }
        return mac != 0;
    }

    private static bool TryUuid(string text, out SystemUuid uuid)
    {
        uuid = default;
        if (!Guid.TryParseExact(text, "D", out _))
        {
            return false;
        }
        byte[] bytes = Convert.FromHexString(text.Replace("-", "", StringComparison.Ordinal));
        uuid = SystemUuid.Read(bytes);
        return !uuid.IsUnset;
    }

    private static bool TryImageType(string? text, out ImageTypeId type)
    {
        type = default;
        if (text == null)
        {
            return true;
        }
        if (!Guid.TryParse(text, out Guid guid))
        {
            return false;
        }
        byte[] bytes = guid.ToByteArray(); // EFI byte order: the first three fields little-endian
        return ImageTypeId.TryRead(bytes, out type);
    }

    private static bool TryVersion(string? text, out uint version)
    {
        version = 0;
        if (text == null)
        {
            return true;
        }
        bool parsed = Cli.CliNumber.TryParse(text, uint.MaxValue, out ulong wide); // decimal or 0x hex, as every command
        version = (uint)wide;
        return parsed;
    }

    private static string FormatMac(ulong mac)
    {
        return string.Join(":", new[] { 40, 32, 24, 16, 8, 0 }.Select(shift => ((byte)(mac >> shift)).ToString("x2", CultureInfo.InvariantCulture)));
    }
}
