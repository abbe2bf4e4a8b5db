using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>An acceptable OFFER as the client keeps it while choosing (docs/protocol.md §6.4).</summary>
public readonly struct OfferRecord
{
    public OfferRecord(
        ulong donorId, DatagramEndpoint donorEndpoint, uint offerMessageId, uint sessionId, OfferMessage offer,
        uint arrivalSequence, bool fromConfiguredManager)
    {
        DonorId = donorId;
        DonorEndpoint = donorEndpoint;
        OfferMessageId = offerMessageId;
        SessionId = sessionId;
        Offer = offer;
        ArrivalSequence = arrivalSequence;
        FromConfiguredManager = fromConfiguredManager;
    }

    /// <summary>The donor's sender id.</summary>
    public ulong DonorId { get; }

    /// <summary>Where the OFFER came from: ACCEPT, STATUS and RESULT go here.</summary>
    public DatagramEndpoint DonorEndpoint { get; }

    public uint OfferMessageId { get; }
    public uint SessionId { get; }
    public OfferMessage Offer { get; }

    /// <summary>Order of arrival within one discovery (first offer = lowest).</summary>
    public uint ArrivalSequence { get; }

    /// <summary>The OFFER came from one of the configured manager endpoints (address and port).</summary>
    public bool FromConfiguredManager { get; }
}
