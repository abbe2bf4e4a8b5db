using System;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving.Inventory;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>What POST /instructions asks for (JSON, camelCase); the same text forms as `instruct`'s options.</summary>
public sealed record InstructionRequest(string? Agent, string? Mac, string? Uuid, int? ExpiresSeconds, string? ImageType, string? Version,
    string? IfOlderThan = null, bool? RequireKnownVersion = null);

/// <summary>
/// Serve's side of POST /instructions: checks the request, signs a RECOVERY_INSTRUCTION with serve's instruction
/// key naming serve itself as the machine's manager, and adds it to the <see cref="InstructionBook"/>, from where
/// the engine sends it on the donor's socket. Called on HTTP threads.
/// </summary>
internal sealed class InstructionIssuer(InstructionSigner? signer, RecoveryServer server, InstructionBook book, MachineInventory inventory)
{
    public InstructionIssue Issue(InstructionRequest request)
    {
        if (signer is null) return InstructionIssue.Refused(503, "serve was started without --instruction-key: it cannot sign instructions");
        if (!InstructionText.TryEndpoint(request.Agent, ProtocolConstants.AgentPort, out IPEndPoint? agent)) return InstructionIssue.Refused(400, "agent: not ADDR[:PORT] (IPv4)");
        if (!IsOneHost(agent!.Address)) return InstructionIssue.Refused(400, "agent: " + agent.Address + " is not one host's address");
        if (!InstructionText.TryMac(request.Mac, out ulong mac)) return InstructionIssue.Refused(400, "mac: not a MAC like 52:54:00:12:34:56");
        if (!InstructionText.TryUuid(request.Uuid, out SystemUuid uuid)) return InstructionIssue.Refused(400, "uuid: not a UUID (or all zeros / all ones)");
        int expires = request.ExpiresSeconds ?? 600;
        if (expires is < 1 or > 86400) return InstructionIssue.Refused(400, "expiresSeconds: 1..86400");
        if (!InstructionText.TryImageType(request.ImageType, out ImageTypeId type)) return InstructionIssue.Refused(400, "imageType: not a GUID");
        if (!InstructionText.TryVersion(request.Version, out uint version)) return InstructionIssue.Refused(400, "version: not a number 0..4294967295 (decimal, or hex with 0x)");
        if (!TryVersionFloor(request, out uint? floor, out string? floorError)) return InstructionIssue.Refused(400, floorError!);
        string? versionCheck = null;
        if (floor is { } olderThan)
        {
            InstructionIssue? skipped = CheckVersion(mac, uuid, olderThan, request.RequireKnownVersion == true, out versionCheck);
            if (skipped is not null) return skipped;
        }
        if (book.Outstanding >= book.MaxOutstanding)
            return InstructionIssue.Refused(503, "instruction limit: " + book.MaxOutstanding + " are under way; try again when some have ended");
        IPEndPoint self = ManagerAddressFor(agent!);
        var managers = ManagerList.Of(InstructionText.ToWire(self));
        if (!managers.IsValid) return InstructionIssue.Refused(503, "serve's own address " + self + " cannot be named as a manager");
        var target = new InstructionTarget(mac, uuid, managers, type, version, expires);
        if (!signer.TrySign(target, server.DonorId, DateTimeOffset.UtcNow, out SignedInstruction? signed, out string error))
            return InstructionIssue.Refused(500, "cannot sign: " + error);
        var instruction = new Instruction(signed!.Id, signed.Counter, mac, uuid, agent!, signed.Datagram, book.Timeouts, server.Clock)
        {
            IfOlderThan = floor,
            VersionCheck = versionCheck,
        };
        if (!book.TryAdd(instruction))
            return InstructionIssue.Refused(503, "instruction limit: " + book.MaxOutstanding + " are under way; try again when some have ended");
        server.Wake();
        return new InstructionIssue(instruction, 201, null);
    }

    private static bool TryVersionFloor(InstructionRequest request, out uint? floor, out string? error)
    {
        floor = null;
        error = null;
        if (request.IfOlderThan is null)
        {
            if (request.RequireKnownVersion == true) error = "requireKnownVersion: only with ifOlderThan";
            return error is null;
        }
        if (!InstructionText.TryVersion(request.IfOlderThan, out uint value))
        {
            error = "ifOlderThan: not a number 0..4294967295 (decimal, or hex with 0x)";
            return false;
        }
        floor = value;
        return true;
    }

    /// <summary>
    /// ifOlderThan against the inventory: 409 (nothing signed or sent) when the machine's known FMP version is not older;
    /// when unknown (never heard of, no version in what it said, or another UUID at this MAC), 412 with
    /// requireKnownVersion, else null and <paramref name="check"/> says why it is sent.
    /// </summary>
    private InstructionIssue? CheckVersion(ulong mac, SystemUuid uuid, uint olderThan, bool requireKnown, out string check)
    {
        MachineStatus? known = inventory.Find(mac, server.WallTime);
        string uuidText = InstructionText.FormatUuid(uuid);
        string floorText = Cli.CliFormat.Version(olderThan);
        string? unknownWhy = known is null ? "the inventory has not heard of this MAC"
            : known.Uuid is not null && known.Uuid != uuidText ? "the inventory's machine at this MAC has another UUID (" + known.Uuid + ")"
            : known.FmpVersion is null ? "the machine's reports carry no FMP version (no recovered=0x... and no RESULT)"
            : null;
        if (unknownWhy is not null)
        {
            check = "version unknown (" + unknownWhy + "): sent anyway";
            return requireKnown
                ? new InstructionIssue(null, 412, "version unknown: " + unknownWhy + "; requireKnownVersion: nothing sent", known)
                : null;
        }
        string knownText = known!.FmpVersionHex + " (" + known.FmpVersionSource + ", last seen " + known.LastSeen.ToString("u", System.Globalization.CultureInfo.InvariantCulture) + ")";
        check = knownText + " older than " + floorText;
        return known.FmpVersion >= olderThan
            ? new InstructionIssue(null, 409, "already at " + knownText + ", not older than " + floorText + ": nothing sent", known)
            : null;
    }

    // The instruction goes to one agent: not 0.0.0.0 (this host, by accident), broadcast or multicast.
    private static bool IsOneHost(IPAddress address)
    {
        byte[] a = address.GetAddressBytes();
        return !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.Broadcast) && a[0] is < 224;
    }

    /// <summary>
    /// Where the booted app is to find this serve: its UDP endpoint, and when that listens on 0.0.0.0, the local
    /// address the kernel would send to the agent from (the machine's network is the same after its reboot).
    /// </summary>
    private IPEndPoint ManagerAddressFor(IPEndPoint agent)
    {
        IPEndPoint local = server.LocalEndPoint;
        if (!local.Address.Equals(IPAddress.Any)) return local;
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            probe.Connect(agent); // UDP: picks the route and source address, sends nothing
            return new IPEndPoint(((IPEndPoint)probe.LocalEndPoint!).Address, local.Port);
        }
        catch (SocketException)
        {
            return local;
        }
    }
}

/// <summary>The API's answer: the new instruction, or the HTTP status and why not.</summary>
internal sealed record InstructionIssue(Instruction? Instruction, int HttpStatus, string? Error, MachineStatus? Machine = null)
{
    public static InstructionIssue Refused(int status, string error) => new(null, status, error);
}
