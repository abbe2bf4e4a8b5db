using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// An instructed boot (docs/protocol.md §4.12): READINESS goes to every configured manager with each REQUEST until
/// the first acceptable OFFER, with one message id; a boot without an instruction sends none.
/// </summary>
public class ClientSessionReadinessTests
{
    private const ulong InstructionId = 0x1122334455667788;
    private static readonly SystemUuid Uuid = new(0x5EE6D83B8A3C4B53, 0x9F3D1C7F0E2A6B41);
    private const uint SilentManager = 0x0A000063;

    private static ClientConfig InstructedConfig(ulong instructionId)
    {
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        config.InstructionId = instructionId;
        config.SystemUuid = Uuid;
        config.Reason = RequestReason.ManagerInstruction;
        Assert.True(config.TryAddManager(new DatagramEndpoint(SilentManager, ProtocolConstants.DonorPort)));
        Assert.True(config.TryAddManager(new DatagramEndpoint(SilentManager + 1, ProtocolConstants.DonorPort)));
        return config;
    }

    private static ClientSession Create(ClientConfig config, TestClientTransport transport)
    {
        Assert.Equal(ClientSetupStatus.Ok,
            ClientSession.TryCreate(config, transport, new ExpectedImageVerifier(new byte[16], 1), out ClientSession? session));
        return session!;
    }

    [Fact]
    public void Poll_InstructionIdTwoManagers_ReadinessThenRequestToEach()
    {
        ClientConfig config = InstructedConfig(InstructionId);
        var transport = new TestClientTransport(ClientHarness.ClientBaseAddress);
        ClientSession session = Create(config, transport);

        ClientEvents events = session.Poll(1000);

        Assert.True((events & ClientEvents.ReadinessSent) != 0);
        Assert.Equal(4u, transport.Sent);
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 2; i++)
        {
            int length = transport.Outbox.TryDequeue(buffer, out DatagramEndpoint to);
            Assert.Equal(SilentManager + (uint)i, to.Address);
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, length), out MessageFrame frame));
            Assert.Equal(WireStatus.Ok, ReadinessMessage.TryParse(frame, out ReadinessMessage readiness));
            Assert.Equal(InstructionId, readiness.InstructionId);
            Assert.Equal(config.MacAddress, readiness.MacAddress);
            Assert.True(readiness.SystemUuid.Equals(Uuid));
            Assert.Equal(config.Ipv4Address, readiness.Ipv4Address);
        }
        for (int i = 0; i < 2; i++)
        {
            int length = transport.Outbox.TryDequeue(buffer, out _);
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, length), out MessageFrame frame));
            Assert.Equal(WireStatus.Ok, RequestMessage.TryParse(frame, out RequestMessage request));
            Assert.Equal(RequestReason.ManagerInstruction, request.Reason);
        }
    }

    [Fact]
    public void Poll_NoAnswer_ReadinessRepeatedWithTheSameMessageId()
    {
        var transport = new TestClientTransport(ClientHarness.ClientBaseAddress);
        ClientSession session = Create(InstructedConfig(InstructionId), transport);
        uint? firstId = null;
        byte[] buffer = new byte[2048];
        for (ulong now = 1000; now < 20_000; now += 10)
        {
            session.Poll(now);
            while (transport.Outbox.Count > 0)
            {
                int length = transport.Outbox.TryDequeue(buffer, out _);
                Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, length), out MessageFrame frame));
                if (frame.Type != MessageType.Readiness)
                    continue;
                firstId ??= frame.Header.MessageId;
                Assert.Equal(firstId, frame.Header.MessageId);
            }
        }
        Assert.True(session.ReadinessSent >= 3, "READINESS sent " + session.ReadinessSent + " times in 19 s");
        Assert.Equal(session.RequestsSent, session.ReadinessSent);
    }

    [Fact]
    public void Poll_ReadinessManagerCountOne_OnlyTheFirstManagerHearsTheInstructionId()
    {
        ClientConfig config = InstructedConfig(InstructionId);
        config.ReadinessManagerCount = 1;
        var transport = new TestClientTransport(ClientHarness.ClientBaseAddress);
        ClientSession session = Create(config, transport);

        session.Poll(1000);

        Assert.Equal(3u, transport.Sent);
        byte[] buffer = new byte[2048];
        int readiness = 0;
        while (transport.Outbox.Count > 0)
        {
            int length = transport.Outbox.TryDequeue(buffer, out DatagramEndpoint to);
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(buffer.AsSpan(0, length), out MessageFrame frame));
            if (frame.Type == MessageType.Readiness)
            {
                readiness++;
                Assert.Equal(SilentManager, to.Address);
            }
        }
        Assert.Equal(1, readiness);
    }

    [Fact]
    public void Poll_NoInstruction_NoReadiness()
    {
        var transport = new TestClientTransport(ClientHarness.ClientBaseAddress);
        ClientSession session = Create(InstructedConfig(0), transport);

        session.Poll(1000);

        Assert.Equal(0u, session.ReadinessSent);
        Assert.Equal(2u, transport.Sent);
    }

    [Fact]
    public void Poll_GenuineManager_ReadinessStopsAtFirstOfferAndRecoveryCompletes()
    {
        ClientHarness h = new ClientHarness(30_000, seed: 41);
        ScriptedDonor manager = h.AddGenuineDonor(0xD0000000000000A1);
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.DiscoverByBroadcast = false;
        config.InstructionId = InstructionId;
        config.SystemUuid = Uuid;
        Assert.True(config.TryAddManager(new DatagramEndpoint(manager.Address, ProtocolConstants.DonorPort)));
        h.AddClient(config);

        Assert.True(h.RunUntilAllFinished(60_000));

        Assert.True(h.Client(0).VerifiedImage.SequenceEqual(h.Genuine));
        Assert.Equal(1u, h.Client(0).ReadinessSent);
    }
}
