namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The header fields an emitter chooses (docs/protocol.md §3.1): who sends, which session, which message.
/// Type and payload length come from the message being emitted; the CRC is computed.
/// </summary>
public readonly struct MessageIds
{
    public MessageIds(uint messageId, uint sessionId, ulong senderId)
    {
        MessageId = messageId;
        SessionId = sessionId;
        SenderId = senderId;
        Flags = 0;
    }

    public MessageIds(uint messageId, uint sessionId, ulong senderId, ushort flags)
    {
        MessageId = messageId;
        SessionId = sessionId;
        SenderId = senderId;
        Flags = flags;
    }

    /// <summary>Per-sender number of this message; a retransmission repeats it (§3.3).</summary>
    public uint MessageId { get; }

    /// <summary>Session the message belongs to; 0 before a session exists (REQUEST).</summary>
    public uint SessionId { get; }

    /// <summary>Nonzero id of the sender: a client's MAC in the low 48 bits, a donor's configured id.</summary>
    public ulong SenderId { get; }

    /// <summary>Header flags (§3.1): only <see cref="ProtocolConstants.FlagFec"/> on an OFFER is defined; others 0.</summary>
    public ushort Flags { get; }
}
