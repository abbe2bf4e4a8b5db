using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Client;

public class DonorPolicyTests
{
    private static readonly PolicyContext NoneHeld = new PolicyContext(0, false);
    private static readonly PolicyContext AfterAFalseClaim = new PolicyContext(0, ignoreVersionClaims: true);

    private static OfferRecord Offer(ulong donor, uint version, byte load, uint arrival, ulong imageId = 0x1111, bool fromManager = false,
        bool demoted = false, uint lot = 0, uint source = 0x0A000001, uint session = 99, ulong token = 1)
    {
        Assert.True(FragmentGeometry.TryCreate(10000, 1432, 7, out FragmentGeometry g));
        OfferMessage offer = new OfferMessage(1, imageId, default, version, 0, g, DeliveryMode.Broadcast, 0xFFFFFFFF, 40124, load,
            new OfferBinding(token, default, 3, default));
        OfferTraits traits = (fromManager ? OfferTraits.FromConfiguredManager : OfferTraits.None) | (demoted ? OfferTraits.Demoted : OfferTraits.None);
        return new OfferRecord(donor, new DatagramEndpoint(source, 40123), 7, session, offer, arrival, traits, lot);
    }

    [Fact]
    public void Compare_EachDefaultRuleDecidesOnlyWhenEarlierRulesTie()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(stackalloc ulong[] { 0xB, 0xC });

        Assert.True(policy.Compare(Offer(0xA, 1, 200, 5, fromManager: true), Offer(0xB, 9, 0, 0), NoneHeld) < 0, "configured manager first");
        Assert.True(policy.Compare(Offer(0xA, 2, 200, 5), Offer(0xB, 1, 0, 0), NoneHeld) < 0, "then version");
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
    public void Compare_AfterAFalseClaim_VersionRanksNothingAndTiesGoToTheDraw()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(default);

        // A rogue announcing 0xFFFFFFFF wins only while version claims are believed (docs/protocol.md §6.4).
        Assert.True(policy.Compare(Offer(0xE, 0xFFFFFFFF, 0, 0), Offer(0xA, 1, 0, 5), NoneHeld) < 0);
        Assert.True(policy.Compare(Offer(0xE, 0xFFFFFFFF, 0, 0, lot: 9), Offer(0xA, 1, 0, 5, lot: 3), AfterAFalseClaim) > 0);
        // ... and answering first no longer wins a tie: the random lot decides.
        Assert.True(policy.Compare(Offer(0xE, 1, 0, 0, lot: 9), Offer(0xA, 1, 0, 5, lot: 3), AfterAFalseClaim) > 0);
        Assert.True(policy.Compare(Offer(0xE, 1, 0, 0, lot: 9), Offer(0xA, 1, 0, 5, lot: 3), NoneHeld) < 0);
    }

    [Fact]
    public void Compare_DemotedOffer_RanksAfterEveryOtherWhateverTheRules()
    {
        DonorPolicy policy = DonorPolicy.CreateDefault(default);

        Assert.True(policy.Compare(Offer(0xE, 9, 0, 0, fromManager: true, demoted: true), Offer(0xA, 1, 200, 5), NoneHeld) > 0);
        Assert.True(policy.Compare(Offer(0xE, 9, 0, 0, demoted: true), Offer(0xA, 1, 0, 5, demoted: true), NoneHeld) < 0, "both demoted: the rules decide");
    }

    [Fact]
    public void Selector_SameOfferAgain_Replaced_SameIdFromAnotherSourceOrToken_KeptBeside()
    {
        DonorSelector selector = new DonorSelector(4, 0);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);

        Assert.True(selector.TryAdd(Offer(0xA, 1, 0, 0), default, policy, NoneHeld));
        Assert.True(selector.TryAdd(Offer(0xA, 5, 0, 1), default, policy, NoneHeld)); // a repeated REQUEST's answer
        Assert.Equal(1, selector.Count);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out OfferRecord best, out _));
        Assert.Equal(5u, best.Offer.ImageVersion);
        Assert.Equal(0u, best.ArrivalSequence);

        // The same donor id with another token (a forged offer in the honest donor's name, red-team F1) or from
        // another source is another record: it cannot push the first one out.
        Assert.True(selector.TryAdd(Offer(0xA, 1, 0, 2, token: 0xBAD), default, policy, NoneHeld));
        Assert.True(selector.TryAdd(Offer(0xA, 1, 0, 3, source: 0x0A000066), default, policy, NoneHeld));
        Assert.Equal(3, selector.Count);
        selector.Remove(2);
        Assert.Equal(2, selector.Count);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out best, out _));
        Assert.Equal(0u, best.ArrivalSequence);
    }

    [Fact]
    public void Selector_Full_ReplacesWorstOnlyWithBetter()
    {
        DonorSelector selector = new DonorSelector(2, 0);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);
        selector.TryAdd(Offer(0xA, 3, 0, 0), default, policy, NoneHeld);
        selector.TryAdd(Offer(0xB, 2, 0, 1), default, policy, NoneHeld);

        Assert.False(selector.TryAdd(Offer(0xC, 1, 0, 2), default, policy, NoneHeld));
        Assert.True(selector.TryAdd(Offer(0xD, 4, 0, 3), default, policy, NoneHeld));

        Assert.Equal(2, selector.Count);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out OfferRecord best, out _));
        Assert.Equal(0xDUL, best.DonorId);
        selector.Remove(best.ArrivalSequence);
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out best, out _));
        Assert.Equal(0xAUL, best.DonorId);
    }

    [Fact]
    public void Selector_SignedOffer_KeepsItsDatagramUntilChecked()
    {
        DonorSelector selector = new DonorSelector(2, 640);
        DonorPolicy policy = DonorPolicy.CreateDefault(default);
        byte[] datagram = new byte[640];
        datagram[639] = 0x5A;
        OfferRecord pending = Offer(0xA, 1, 0, 0).With(OfferTraits.SignaturePending);

        Assert.True(selector.TryAdd(pending, datagram, policy, NoneHeld));
        Assert.True(selector.TrySelectBest(policy, NoneHeld, out OfferRecord best, out int slot));
        Assert.True(best.SignaturePending);
        Assert.Equal(0x5A, selector.DatagramAt(slot)[639]);
        selector.MarkSignatureChecked(slot);
        Assert.False(selector[slot].SignaturePending);
    }

    [Fact]
    public void Exclusions_RootForTheRun_IdAndAddressOnlyDemoteUntilExpiry()
    {
        DonorExclusions excluded = new DonorExclusions(4);
        Hash128 rogueRoot = new Hash128(1, 2);
        excluded.ExcludeRejected(0xE1, 0x0A000066, rogueRoot, excludeRoot: true, idUntil: 1000);

        Assert.True(excluded.ExcludesRoot(rogueRoot), "the root stays excluded");
        Assert.False(excluded.ExcludesRoot(new Hash128(3, 4)));
        Assert.True(excluded.Demotes(0xE2, 0x0A000066, now: 999), "same address, new id");
        Assert.True(excluded.Demotes(0xE1, 0x0A000099, now: 999), "same id, new address");
        Assert.False(excluded.Demotes(0xE1, 0x0A000066, now: 1000), "id and address expire");
        Assert.False(excluded.Demotes(0xA, 0x0A000001, now: 0), "an honest donor is untouched");
    }

    [Fact]
    public void Exclusions_Full_ReusesTheLeastProtectiveEntry()
    {
        DonorExclusions excluded = new DonorExclusions(2);
        excluded.ExcludeRejected(1, 11, new Hash128(0, 1), excludeRoot: true, idUntil: 100);
        excluded.ExcludeStalled(2, 22, until: 50);
        excluded.ExcludeStalled(3, 33, until: 60);

        Assert.True(excluded.ExcludesRoot(new Hash128(0, 1)), "the rejected root survived");
        Assert.False(excluded.Demotes(2, 0, now: 0), "the stalled entry was reused");
        Assert.True(excluded.Demotes(3, 0, now: 0));
        Assert.Equal(2, excluded.Count);
    }
}
