using System.Collections.Generic;
using System.Net;
using UefiRecovery.Manager.Serving.Pacing;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// Whose DATA goes next. The send rate is shared equally between the parties being served — each shared
/// (broadcast or multicast) session is one party, and all unicast sessions of one source address are one party —
/// and within an address round-robin between its sessions. So whoever holds many memberships (up to 4 unicast
/// sessions per address, §7.2 rule 11) gets one share per address, not one per session, and a session that
/// repairs without end cannot take the rate from the others. Engine thread only.
/// </summary>
public sealed partial class DonorEngine
{
    private const int MaxRoundRobinParties = 1024;
    private readonly FairShare<SendParty> _share = new();
    private readonly List<SendParty> _readyParties = new();
    private readonly HashSet<SendParty> _readyPartySet = new();
    // The unicast session each address was last served from (round-robin within the address).
    private readonly Dictionary<SendParty, uint> _lastSessionOfParty = new();

    /// <summary>Who a session's DATA is for, as far as sharing the rate goes.</summary>
    private readonly record struct SendParty(IPAddress? Owner, uint SharedSession);

    private static SendParty PartyOf(ImageSession session) =>
        session.Owner is { } owner ? new SendParty(owner.Address, 0) : new SendParty(null, session.SessionId);

    /// <summary>The sending session to take the next fragment from, or null when none is sending.</summary>
    private ImageSession? NextSendingSession()
    {
        _readyParties.Clear();
        _readyPartySet.Clear();
        foreach (var session in _sessions.Values)
        {
            if (session.State != SessionState.Sending) continue;
            SendParty party = PartyOf(session);
            if (_readyPartySet.Add(party)) _readyParties.Add(party);
        }
        int pick = _share.Pick(_readyParties);
        if (pick < 0) return null;
        SendParty chosen = _readyParties[pick];
        if (chosen.Owner is null) return _sessions[chosen.SharedSession];

        // Round-robin by session id among this address's sending sessions.
        uint last = _lastSessionOfParty.TryGetValue(chosen, out uint l) ? l : 0;
        ImageSession? next = null, lowest = null;
        foreach (var session in _sessions.Values)
        {
            if (session.State != SessionState.Sending || PartyOf(session) != chosen) continue;
            if (lowest is null || session.SessionId < lowest.SessionId) lowest = session;
            if (session.SessionId > last && (next is null || session.SessionId < next.SessionId)) next = session;
        }
        ImageSession served = next ?? lowest!;
        if (_lastSessionOfParty.Count >= MaxRoundRobinParties && !_lastSessionOfParty.ContainsKey(chosen)) _lastSessionOfParty.Clear();
        _lastSessionOfParty[chosen] = served.SessionId;
        return served;
    }

    /// <summary>Charges what was just sent for <paramref name="session"/> (DATA, all copies, and any MANIFEST) to its party.</summary>
    private void ChargeShare(ImageSession session, int bytes) => _share.Charge(PartyOf(session), bytes);
}
