using System;
using System.Net;
using System.Net.Sockets;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>What POST /instructions asks for (JSON, camelCase); the same text forms as `instruct`'s options.</summary>
public sealed record InstructionRequest(string? Agent, string? Mac, string? Uuid, int? ExpiresSeconds, string? ImageType, string? Version);

/// <summary>
/// Serve's side of POST /instructions: checks the request, signs a RECOVERY_INSTRUCTION with serve's instruction
/// key naming serve itself as the machine's manager, and adds it to the <see cref="InstructionBook"/>, from where
/// the engine sends it on the donor's socket. Called on HTTP threads.
/// </summary>
internal sealed class InstructionIssuer(InstructionSigner? signer, RecoveryServer server, InstructionBook book)
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
        if (book.Outstanding >= book.MaxOutstanding)
            return InstructionIssue.Refused(503, "instruction limit: " + book.MaxOutstanding + " are under way; try again when some have ended");
        IPEndPoint self = ManagerAddressFor(agent!);
        var managers = ManagerList.Of(InstructionText.ToWire(self));
        if (!managers.IsValid) return InstructionIssue.Refused(503, "serve's own address " + self + " cannot be named as a manager");
        var target = new InstructionTarget(mac, uuid, managers, type, version, expires);
        if (!signer.TrySign(target, server.DonorId, DateTimeOffset.UtcNow, out SignedInstruction? signed, out string error))
            return InstructionIssue.Refused(500, "cannot sign: " + error);
        var instruction = new Instruction(signed!.Id, signed.Counter, mac, uuid, agent!, signed.Datagram, book.Timeouts, server.Clock);
        if (!book.TryAdd(instruction))
            return InstructionIssue.Refused(503, "instruction limit: " + book.MaxOutstanding + " are under way; try again when some have ended");
        server.Wake();
        return new InstructionIssue(instruction, 201, null);
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
internal sealed record InstructionIssue(Instruction? Instruction, int HttpStatus, string? Error)
{
    public static InstructionIssue Refused(int status, string error) => new(null, status, error);
}
