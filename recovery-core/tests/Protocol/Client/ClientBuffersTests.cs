using System;
using UefiRecovery.Core.Protocol.Client;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// Buffers handed in instead of allocated (<see cref="ClientConfig.SharedBuffers"/>, the manager's fleet model): sizes
/// checked at setup, and sessions of one honest donor that share one set each still assemble and verify the image.
/// </summary>
public class ClientBuffersTests
{
    private const ulong Minute = 60_000;

    [Fact]
    public void TryCreate_BuffersOfAnotherCapacity_Refused()
    {
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.SharedBuffers = new ClientBuffers(config.ImageCapacity / 2);

        ClientSetupStatus status = ClientSession.TryCreate(config, new TestClientTransport(config.Ipv4Address),
            new ExpectedImageVerifier(new byte[1], 1), out ClientSession? session);

        Assert.Equal(ClientSetupStatus.InvalidImageCapacity, status);
        Assert.Null(session);
    }

    [Fact]
    public void Poll_FiveSessionsShareOneSet_EachHoldsItsOwnFragmentsAndAllVerifyTheImage()
    {
        ClientHarness h = new ClientHarness(200_000, seed: 9);
        ScriptedDonor donor = h.AddGenuineDonor(0xD0000000000000A1);
        donor.GatherMs = 1000;
        h.Network.Downlink.LossPerMille = 50;
        h.Network.Uplink.LossPerMille = 20;
        var shared = new ClientBuffers(ClientHarness.DefaultConfig(0).ImageCapacity);
        for (int i = 0; i < 5; i++)
        {
            ClientConfig config = ClientHarness.DefaultConfig(i);
            config.SharedBuffers = shared;
            h.AddClient(config);
        }

        Assert.True(h.RunUntilAllFinished(5 * Minute));

        for (int i = 0; i < 5; i++)
        {
            ClientSession client = h.Client(i);
            Assert.Equal(ClientState.Finished, client.State);
            Assert.True(client.VerifiedImage.SequenceEqual(h.Genuine));
            Assert.True(client.StatusesSent > 0, "each session NACKed its own losses");
        }
        Assert.True(shared.Image.AsSpan(0, h.Genuine.Length).SequenceEqual(h.Genuine), "the sessions assembled into the shared buffer");
        Assert.True(donor.NackedFragments > 0);
    }
}
