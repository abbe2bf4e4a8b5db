using System;
using UefiRecovery.Core.Protocol.Client;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>Two donors offer at once; the client's policy (docs/protocol.md §6.4) decides, rule by rule.</summary>
public class ClientSessionPolicyTests
{
    private const ulong DonorA = 0xD0000000000000A1;
    private const ulong DonorB = 0xD0000000000000B2;

    /// <summary>
    /// A (registered first, so its OFFER arrives first) and B, with the given versions and loads. Each
    /// version is its own genuine release (other bytes), so the version each announces is the one its
    /// image really carries (docs/protocol.md §6.7 checks that).
    /// </summary>
    private static ClientHarness TwoDonors(uint versionA, byte loadA, uint versionB, byte loadB, DonorPolicy? policy)
    {
        ClientHarness h = new ClientHarness(30_000, seed: 21);
        byte[] imageA = versionA == ClientHarness.GenuineVersion ? h.Genuine : Release(versionA);
        byte[] imageB = versionB == ClientHarness.GenuineVersion ? h.Genuine : Release(versionB);
        h.AddDonor(DonorA, imageA, 0xA000 + versionA, versionA).Load = loadA;
        h.AddDonor(DonorB, imageB, 0xA000 + versionB, versionB).Load = loadB;
        ClientConfig config = ClientHarness.DefaultConfig(0);
        config.Policy = policy;
        h.AddClient(config);
        h.Verifier(0).AlsoAccept(versionA == ClientHarness.GenuineVersion ? imageB : imageA,
            versionA == ClientHarness.GenuineVersion ? versionB : versionA);
        return h;
    }

    private static byte[] Release(uint version)
    {
        byte[] image = new byte[30_000];
        new Random((int)version).NextBytes(image);
        return image;
    }

    private static ulong RunAndReturnChosenDonor(ClientHarness h)
    {
        Assert.True(h.RunUntilAllFinished(60_000));
        Assert.Equal(0, h.Verifier(0).Rejections);
        ulong chosen = h.Client(0).ChosenOffer.DonorId;
        ulong other = chosen == DonorA ? DonorB : DonorA;
        // The other donor offered too but never got an ACCEPT.
        Assert.True(h.Donor(0).OffersSent > 0 && h.Donor(1).OffersSent > 0);
        Assert.Equal(0u, (other == DonorA ? h.Donor(0) : h.Donor(1)).AcceptsReceived);
        return chosen;
    }

    [Fact]
    public void DefaultPolicy_HigherVersionWins_OverLoadAndArrival()
    {
        ClientHarness h = TwoDonors(0x00010002, 0, 0x00010003, 200, policy: null);
        Assert.Equal(DonorB, RunAndReturnChosenDonor(h));
    }

    [Fact]
    public void DefaultPolicy_SameVersion_PreferredDonorWins_OverLoad()
    {
        ClientHarness h = TwoDonors(0x00010002, 0, 0x00010002, 90, DonorPolicy.CreateDefault(stackalloc ulong[] { DonorB }));
        Assert.Equal(DonorB, RunAndReturnChosenDonor(h));
    }

    [Fact]
    public void DefaultPolicy_SameVersionNoPreference_LowerLoadWins()
    {
        ClientHarness h = TwoDonors(0x00010002, 50, 0x00010002, 10, policy: null);
        Assert.Equal(DonorB, RunAndReturnChosenDonor(h));
    }

    [Fact]
    public void DefaultPolicy_AllEqual_FirstOfferWins()
    {
        ClientHarness h = TwoDonors(0x00010002, 10, 0x00010002, 10, policy: null);
        Assert.Equal(DonorA, RunAndReturnChosenDonor(h));
    }

    [Fact]
    public void CustomPolicy_LoadBeforeVersion_LowerLoadOlderVersionWins()
    {
        DonorPolicy policy = new DonorPolicy(stackalloc DonorRule[] { DonorRule.LowestLoad, DonorRule.HighestVersion }, default);
        ClientHarness h = TwoDonors(0x00010003, 100, 0x00010002, 5, policy);
        Assert.Equal(DonorB, RunAndReturnChosenDonor(h));
    }

    [Fact]
    public void CustomPolicy_FirstOfferOnly_IgnoresVersionAndLoad()
    {
        DonorPolicy policy = new DonorPolicy(stackalloc DonorRule[] { DonorRule.FirstOffer }, default);
        ClientHarness h = TwoDonors(0x00010002, 200, 0x00010009, 0, policy);
        Assert.Equal(DonorA, RunAndReturnChosenDonor(h));
    }
}
