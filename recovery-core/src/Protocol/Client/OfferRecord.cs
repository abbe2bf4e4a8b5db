namespace UefiRecovery.Core.Protocol.Client;

/// <summary>An acceptable OFFER as the client keeps it while choosing (docs/protocol.md §6.4).</summary>
public readonly struct OfferRecord
{
    public OfferRecord(
        ulong donorId, DatagramEndpoint donorEndpoint, uint offerMessageId, uint sessionId, Wire.OfferMessage offer,
        uint arrivalSequence, OfferTraits traits, uint lot)
    {
        DonorId = donorId;
        DonorEndpoint = donorEndpoint;
        OfferMessageId = offerMessageId;
        SessionId = sessionId;
        Offer = offer;
        ArrivalSequence = arrivalSequence;
        Traits = traits;
        Lot = lot;
    }

    /// <summary>The donor's sender id (a claim: anyone can put any id in an OFFER).</summary>
    public ulong DonorId { get; }

    /// <summary>Where the OFFER came from: ACCEPT, STATUS and RESULT go here.</summary>
    public DatagramEndpoint DonorEndpoint { get; }

    public uint OfferMessageId { get; }
    public uint SessionId { get; }
    public Wire.OfferMessage Offer { get; }

    /// <summary>Order of arrival within one discovery (first offer = lowest); also the record's identity there.</summary>
    public uint ArrivalSequence { get; }

    public OfferTraits Traits { get; }

    /// <summary>A random draw at arrival: the last tie-break once a claim proved false this run (§6.4).</summary>
    public uint Lot { get; }

    public bool FromConfiguredManager => (Traits & OfferTraits.FromConfiguredManager) != 0;
    public bool Demoted => (Traits & OfferTraits.Demoted) != 0;
    public bool SignaturePending => (Traits & OfferTraits.SignaturePending) != 0;

    public OfferRecord With(OfferTraits traits) =>
        new OfferRecord(DonorId, DonorEndpoint, OfferMessageId, SessionId, Offer, ArrivalSequence, traits, Lot);

    /// <summary>The same offer again (a repeated REQUEST's answer): same donor, source, session and member token.</summary>
    public bool IsSameOfferAs(in OfferRecord other) =>
        DonorId == other.DonorId && DonorEndpoint.Matches(other.DonorEndpoint) && SessionId == other.SessionId
        && Offer.Binding.MemberToken == other.Offer.Binding.MemberToken;
}
