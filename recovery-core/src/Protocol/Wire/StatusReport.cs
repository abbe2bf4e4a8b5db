namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The fixed fields every STATUS carries besides its NACK body (docs/protocol.md §4.6): which round it
/// answers, what the member holds, what it saw go wrong, and the member's token.
/// </summary>
public readonly struct StatusReport(
    uint round, uint fragmentsHeld, uint corruptedCount, uint forgedCount, ulong memberToken)
{
    /// <summary>The STATUS_REQUEST round answered; 0 = unsolicited.</summary>
    public uint Round { get; } = round;

    /// <summary>Fragments held, verified against the manifest.</summary>
    public uint FragmentsHeld { get; } = fragmentsHeld;

    /// <summary>DATA that arrived with a bad CRC (diagnostics).</summary>
    public uint CorruptedCount { get; } = corruptedCount;

    /// <summary>DATA and MANIFEST with a good CRC that failed the manifest (diagnostics, docs/protocol.md §5.4).</summary>
    public uint ForgedCount { get; } = forgedCount;

    /// <summary>The member's token (nonzero).</summary>
    public ulong MemberToken { get; } = memberToken;
}
