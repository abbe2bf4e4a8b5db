using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

public class DonorPolicyTests
{
    private static readonly PolicyContext NoneHeld = new PolicyContext(0, false);

    private static OfferRecord Offer(ulong donor, uint version, byte load, uint arrival, ulong imageId = 0x1111, bool fromManager = false)
    {
        Assert.True(FragmentGeometry.TryCreate(10000, 1432, 7, out FragmentGeometry g));
        OfferMessage offer = new OfferMessage(1, imageId, default, version, 0, g, DeliveryMode.Broadcast, 0xFFFFFFFF, 40124, load,
            new OfferBinding(1, default, 3, default));
        return new OfferRecord(donor, new DatagramEndpoint(0x0A000001, 40123), 7, 99, offer, arrival, fromManager);
    }

    [Fact]
    public void Compare_EachDefaultRuleDecidesOnlyWhenEarlierRulesTie()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(stackalloc ulong[] { 0xB, 0xC });

        Assert.True(policy.Compare(Offer(0xA, 2, 200, 5), Offer(0xB, 1, 0, 0), NoneHeld) < 0, "version first");
        Assert.True(policy.Compare(Offer(0xA, 1, 0, 0), Offer(0xC, 1, 200, 5), NoneHeld) > 0, "then preferred (unlisted last)");
        Assert.True(policy.Compare(Offer(0xB, 1, 200, 0), Offer(0xC, 1, 0, 5), NoneHeld) < 0, "earlier in the preferred list");
        Assert.True(policy.Compare(Offer(0xA, 1, 10, 5), Offer(0xD, 1, 20, 0), NoneHeld) < 0, "then load");
        Assert.True(policy.Compare(Offer(0xA, 1, 10, 0), Offer(0xD, 1, 10, 5), NoneHeld) < 0, "then arrival");
        Assert.Equal(0, policy.Compare(Offer(0xA, 1, 10, 3), Offer(0xA, 1, 10, 3), NoneHeld));
    }

    [Fact]
    public void Compare_ResumeHeldImageRule_PrefersHeldImageOverNewerVersion()
    {
        DonorPolicy policy = new DonorPolicy(stackalloc DonorRule[] { DonorRule.ResumeHeldImage, DonorRule.HighestVersion }, default);

        Assert.True(policy.Compare(Offer(0xA, 1, 0, 1, imageId: 0x42), Offer(0xB, 9, 0, 0, imageId: 0x43), new PolicyContext(0x42, false)) < 0);
        Assert.True(policy.Compare(Offer(0xA, 1, 0, 1, imageId: 0x42), Offer(0xB, 9, 0, 0, imageId: 0x43), NoneHeld) > 0);
    }

    [Fact]
    public void Selector_SameDonorTwice_KeepsNewestOnly()
    {
        DonorSelector selector = new DonorSelector(4);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);

        Assert.True(selector.TryAdd(Offer(0xA, 1, 0, 0), policy, NoneHeld));
        Assert.True(selector.TryAdd(Offer(0xA, 5, 0, 1), policy, NoneHeld));

        Assert.Equal(1, selector.Count);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out OfferRecord best));
        Assert.Equal(5u, best.Offer.ImageVersion);
        Assert.Equal(0u, best.ArrivalSequence);
    }

    [Fact]
    public void Selector_Full_ReplacesWorstOnlyWithBetter()
    {
        DonorSelector selector = new DonorSelector(2);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);
        selector.TryAdd(Offer(0xA, 3, 0, 0), policy, NoneHeld);
        selector.TryAdd(Offer(0xB, 2, 0, 1), policy, NoneHeld);

        Assert.False(selector.TryAdd(Offer(0xC, 1, 0, 2), policy, NoneHeld));
        Assert.True(selector.TryAdd(Offer(0xD, 4, 0, 3), policy, NoneHeld));

        Assert.Equal(2, selector.Count);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out OfferRecord best));
        Assert.Equal(0xDUL, best.DonorId);
        selector.Remove(0xD);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out best));
        Assert.Equal(0xAUL, best.DonorId);
    }

    [Fact]
    public void Compare_ConfiguredManager_RanksAfterVersionBeforePreferredList()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(stackalloc ulong[] { 0xB });

        Assert.True(policy.Compare(Offer(0xA, 1, 0, 5, fromManager: true), Offer(0xB, 1, 0, 0), NoneHeld) < 0);
        Assert.True(policy.Compare(Offer(0xA, 1, 0, 5, fromManager: true), Offer(0xB, 2, 0, 0), NoneHeld) > 0);
    }

    [Fact]
    public void Compare_AfterARejection_AnnouncedVersionRanksNothing()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(default);
        var afterRejection = new PolicyContext(0, ignoreVersionClaims: true);

        // A rogue announcing 0xFFFFFFFF wins only while version claims are believed (docs/protocol.md §6.4).
        Assert.True(policy.Compare(Offer(0xE, 0xFFFFFFFF, 0, 0), Offer(0xA, 1, 0, 5, fromManager: true), NoneHeld) < 0);
        Assert.True(policy.Compare(Offer(0xE, 0xFFFFFFFF, 0, 0), Offer(0xA, 1, 0, 5, fromManager: true), afterRejection) > 0);
    }

    [Fact]
    public void Exclusions_RootForTheRunIdAndAddressUntilExpiry()
    {
        DonorExclusions excluded = new DonorExclusions(4);
        Hash128 rogueRoot = new Hash128(1, 2);
        excluded.ExcludeRejected(0xE1, 0x0A000066, rogueRoot, excludeRoot: true, idUntil: 1000);

        Assert.True(excluded.Matches(0xE2, 0x0A000077, rogueRoot, now: 5_000_000), "the root stays excluded");
        Assert.True(excluded.Matches(0xE2, 0x0A000066, new Hash128(3, 4), now: 999), "same address, new id and root");
        Assert.True(excluded.Matches(0xE1, 0x0A000099, new Hash128(3, 4), now: 999), "same id, new address and root");
        Assert.False(excluded.Matches(0xE1, 0x0A000066, new Hash128(3, 4), now: 1000), "id and address expire");
        Assert.False(excluded.Matches(0xA, 0x0A000001, new Hash128(5, 6), now: 0), "an honest donor is untouched");
    }

    [Fact]
    public void Exclusions_Full_ReusesTheLeastProtectiveEntry()
    {
        DonorExclusions excluded = new DonorExclusions(2);
        excluded.ExcludeRejected(1, 11, new Hash128(0, 1), excludeRoot: true, idUntil: 100);
        excluded.ExcludeStalled(2, 22, until: 50);
        excluded.ExcludeStalled(3, 33, until: 60);

        Assert.True(excluded.Matches(9, 99, new Hash128(0, 1), now: 0), "the rejected root survived");
        Assert.False(excluded.Matches(2, 0, new Hash128(7, 7), now: 0), "the stalled entry was reused");
        Assert.True(excluded.Matches(3, 0, new Hash128(7, 7), now: 0));
        Assert.Equal(2, excluded.Count);
    }
}
