using System;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>What the client knows about an offer besides its fields, for choosing (docs/protocol.md §6.4, §6.7, §6.8).</summary>
[Flags]
public enum OfferTraits : byte
{
    None = 0,
    /// <summary>It came from one of the configured manager endpoints (address and port).</summary>
    FromConfiguredManager = 1,
    /// <summary>Its donor id or source address failed recently (a rejected image, a stalled session): it ranks after the others.</summary>
    Demoted = 2,
    /// <summary>Signed with a trusted modulus, signature not checked yet (checked when it would be chosen).</summary>
    SignaturePending = 4,
    /// <summary>The OFFER's header carries <see cref="ProtocolConstants.FlagFec"/>: its donor answers BLOCK COUNTS with PARITY (§5.5).</summary>
    Fec = 8,
}
