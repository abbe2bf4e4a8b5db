using System;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// The predetermined policy that picks one donor among acceptable offers (docs/protocol.md §6.4):
/// an ordered list of rules compared lexicographically, then arrival order. Arrays are set up once.
/// </summary>
public sealed class DonorPolicy
{
    private readonly DonorRule[] _rules;
    private readonly ulong[] _preferredDonors;

    /// <param name="rules">Rules in priority order (copied).</param>
    /// <param name="preferredDonors">Donor ids, most preferred first (copied); may be empty.</param>
    public DonorPolicy(ReadOnlySpan<DonorRule> rules, ReadOnlySpan<ulong> preferredDonors)
    {
        _rules = new DonorRule[rules.Length];
        rules.CopyTo(_rules);
        _preferredDonors = new ulong[preferredDonors.Length];
        preferredDonors.CopyTo(_preferredDonors);
    }

    /// <summary>
    /// The default: a configured manager (protected configuration, a fact) before an announced version (a claim),
    /// then the highest version, then the preferred list, then the lowest load, then the first offer.
    /// </summary>
    public static DonorPolicy CreateDefault(ReadOnlySpan<ulong> preferredDonors)
    {
        ReadOnlySpan<DonorRule> rules = stackalloc DonorRule[]
        {
            DonorRule.ConfiguredManager, DonorRule.HighestVersion, DonorRule.PreferredDonor, DonorRule.LowestLoad, DonorRule.FirstOffer,
        };
        return new DonorPolicy(rules, preferredDonors);
    }

    public ReadOnlySpan<DonorRule> Rules => _rules;

    public ReadOnlySpan<ulong> PreferredDonors => _preferredDonors;

    /// <summary>Position of <paramref name="donorId"/> in the preferred list; the list length if absent.</summary>
    public int PreferenceRank(ulong donorId)
    {
        for (int i = 0; i < _preferredDonors.Length; i++)
        {
            if (_preferredDonors[i] == donorId)
            {
                return i;
            }
        }
        return _preferredDonors.Length;
    }

    /// <summary>
    /// Negative when <paramref name="a"/> is the better donor, positive when <paramref name="b"/> is: an offer whose
    /// donor id or address failed recently ranks after the others whatever the rules say (§6.7), then the rules in
    /// order, and finally arrival order — or, once a claim proved false this run, a random draw, so that an attacker
    /// who always answers first cannot always be chosen (§6.4).
    /// </summary>
    public int Compare(in OfferRecord a, in OfferRecord b, in PolicyContext context)
    {
        if (a.Demoted != b.Demoted)
        {
            return a.Demoted ? 1 : -1;
        }
        for (int i = 0; i < _rules.Length; i++)
        {
            if (_rules[i] == DonorRule.HighestVersion && context.IgnoreVersionClaims)
            {
                // §6.4: an announced version is a claim; once one proved false this run, it ranks nothing.
                continue;
            }
            int c = CompareBy(_rules[i], a, b, context);
            if (c != 0)
            {
                return c;
            }
        }
        return ArrivalOrLot(a, b, context);
    }

    private static int ArrivalOrLot(in OfferRecord a, in OfferRecord b, in PolicyContext context)
    {
        int c = context.IgnoreVersionClaims ? Order(a.Lot, b.Lot) : 0;
        return c != 0 ? c : Order(a.ArrivalSequence, b.ArrivalSequence);
    }

    private int CompareBy(DonorRule rule, in OfferRecord a, in OfferRecord b, in PolicyContext context)
    {
        switch (rule)
        {
            case DonorRule.HighestVersion:
                return Order(b.Offer.ImageVersion, a.Offer.ImageVersion);
            case DonorRule.PreferredDonor:
                return Order((uint)PreferenceRank(a.DonorId), (uint)PreferenceRank(b.DonorId));
            case DonorRule.ConfiguredManager:
                return a.FromConfiguredManager == b.FromConfiguredManager ? 0 : (a.FromConfiguredManager ? -1 : 1);
            case DonorRule.LowestLoad:
                return Order(a.Offer.DonorLoad, b.Offer.DonorLoad);
            case DonorRule.ResumeHeldImage:
                bool aHeld = context.HeldImageId != 0 && a.Offer.ImageId == context.HeldImageId;
                bool bHeld = context.HeldImageId != 0 && b.Offer.ImageId == context.HeldImageId;
                return aHeld == bHeld ? 0 : (aHeld ? -1 : 1);
            case DonorRule.FirstOffer:
                return ArrivalOrLot(a, b, context);
            default:
                return 0;
        }
    }

    // Primitive CompareTo is not in the portable subset; this is the same three-way result.
    private static int Order(uint a, uint b)
    {
        return a < b ? -1 : (a > b ? 1 : 0);
    }
}
