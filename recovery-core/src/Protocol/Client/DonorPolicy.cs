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

    /// <summary>The default: highest version, then a configured manager, then preferred donor, then lowest load, then first offer.</summary>
    public static DonorPolicy CreateDefault(ReadOnlySpan<ulong> preferredDonors)
    {
        ReadOnlySpan<DonorRule> rules = stackalloc DonorRule[]
        {
            DonorRule.HighestVersion, DonorRule.ConfiguredManager, DonorRule.PreferredDonor, DonorRule.LowestLoad, DonorRule.FirstOffer,
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
    /// Negative when <paramref name="a"/> is the better donor, positive when <paramref name="b"/> is,
    /// by the rules in order and finally by arrival order.
    /// </summary>
    public int Compare(in OfferRecord a, in OfferRecord b, in PolicyContext context)
    {
        for (int i = 0; i < _rules.Length; i++)
        {
            if (_rules[i] == DonorRule.HighestVersion && context.IgnoreVersionClaims)
            {
                // §6.4: an announced version is a claim; once one proved false this run, it ranks nothing.
                continue;
            }
            int c = CompareBy(_rules[i], a, b, context.HeldImageId);
            if (c != 0)
            {
                return c;
            }
        }
        return Order(a.ArrivalSequence, b.ArrivalSequence);
    }

    private int CompareBy(DonorRule rule, in OfferRecord a, in OfferRecord b, ulong heldImageId)
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
                bool aHeld = heldImageId != 0 && a.Offer.ImageId == heldImageId;
                bool bHeld = heldImageId != 0 && b.Offer.ImageId == heldImageId;
                return aHeld == bHeld ? 0 : (aHeld ? -1 : 1);
            case DonorRule.FirstOffer:
                return Order(a.ArrivalSequence, b.ArrivalSequence);
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
