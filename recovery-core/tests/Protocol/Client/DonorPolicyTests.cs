using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

public class DonorPolicyTests
{
    private static OfferRecord Offer(ulong donor, uint version, byte load, uint arrival, ulong imageId = 0x1111)
    {
        Assert.True(FragmentGeometry.TryCreate(10000, 1432, 7, out FragmentGeometry g));
        OfferMessage offer = new OfferMessage(1, imageId, default, version, 0, g, DeliveryMode.Broadcast, 0xFFFFFFFF, 40124, load);
        return new OfferRecord(donor, new DatagramEndpoint(0x0A000001, 40123), 7, 99, offer, arrival);
    }

    [Fact]
    public void Compare_EachDefaultRuleDecidesOnlyWhenEarlierRulesTie()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(stackalloc ulong[] { 0xB, 0xC });

        Assert.True(policy.Compare(Offer(0xA, 2, 200, 5), Offer(0xB, 1, 0, 0), 0) < 0, "version first");
        Assert.True(policy.Compare(Offer(0xA, 1, 0, 0), Offer(0xC, 1, 200, 5), 0) > 0, "then preferred (unlisted last)");
        Assert.True(policy.Compare(Offer(0xB, 1, 200, 0), Offer(0xC, 1, 0, 5), 0) < 0, "earlier in the preferred list");
        Assert.True(policy.Compare(Offer(0xA, 1, 10, 5), Offer(0xD, 1, 20, 0), 0) < 0, "then load");
        Assert.True(policy.Compare(Offer(0xA, 1, 10, 0), Offer(0xD, 1, 10, 5), 0) < 0, "then arrival");
        Assert.Equal(0, policy.Compare(Offer(0xA, 1, 10, 3), Offer(0xA, 1, 10, 3), 0));
    }

    [Fact]
    public void Compare_ResumeHeldImageRule_PrefersHeldImageOverNewerVersion()
    {
        DonorPolicy policy = new DonorPolicy(stackalloc DonorRule[] { DonorRule.ResumeHeldImage, DonorRule.HighestVersion }, default);

        Assert.True(policy.Compare(Offer(0xA, 1, 0, 1, imageId: 0x42), Offer(0xB, 9, 0, 0, imageId: 0x43), heldImageId: 0x42) < 0);
        Assert.True(policy.Compare(Offer(0xA, 1, 0, 1, imageId: 0x42), Offer(0xB, 9, 0, 0, imageId: 0x43), heldImageId: 0) > 0);
    }

    [Fact]
    public void Selector_SameDonorTwice_KeepsNewestOnly()
    {
        DonorSelector selector = new DonorSelector(4);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);

        Assert.True(selector.TryAdd(Offer(0xA, 1, 0, 0), policy, 0));
        Assert.True(selector.TryAdd(Offer(0xA, 5, 0, 1), policy, 0));

        Assert.Equal(1, selector.Count);
        Assert.True(selector.TrySelectBest(policy, 0, out OfferRecord best));
        Assert.Equal(5u, best.Offer.ImageVersion);
        Assert.Equal(0u, best.ArrivalSequence);
    }

    [Fact]
    public void Selector_Full_ReplacesWorstOnlyWithBetter()
    {
        DonorSelector selector = new DonorSelector(2);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);
        selector.TryAdd(Offer(0xA, 3, 0, 0), policy, 0);
        selector.TryAdd(Offer(0xB, 2, 0, 1), policy, 0);

        Assert.False(selector.TryAdd(Offer(0xC, 1, 0, 2), policy, 0));
        Assert.True(selector.TryAdd(Offer(0xD, 4, 0, 3), policy, 0));

        Assert.Equal(2, selector.Count);
        Assert.True(selector.TrySelectBest(policy, 0, out OfferRecord best));
        Assert.Equal(0xDUL, best.DonorId);
        selector.Remove(0xD);
        Assert.True(selector.TrySelectBest(policy, 0, out best));
        Assert.Equal(0xAUL, best.DonorId);
    }

    [Fact]
    public void Exclusions_FullRing_ForgetsOldest()
    {
        DonorExclusions excluded = new DonorExclusions(2);
        excluded.Add(1);
        excluded.Add(2);
        excluded.Add(2);
        excluded.Add(3);

        Assert.False(excluded.Contains(1));
        Assert.True(excluded.Contains(2));
        Assert.True(excluded.Contains(3));
        Assert.Equal(2, excluded.Count);
    }
}
