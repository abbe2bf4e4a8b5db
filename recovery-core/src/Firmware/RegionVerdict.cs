namespace UefiRecovery.Core.Firmware;

/// <summary>The validity decision for one region, with its reason and (when the FV header parsed) the header.</summary>
public readonly struct RegionVerdict(RegionReason reason, FvHeader header, bool headerParsed)
{
    public RegionReason Reason { get; } = reason;

    public bool IsValid => Reason == RegionReason.Valid;

    /// <summary>The FV header, meaningful only when <see cref="HeaderParsed"/>.</summary>
    public FvHeader Header { get; } = header;

    public bool HeaderParsed { get; } = headerParsed;

    public string ReasonName => RegionReasonText.Name(Reason);

    public string Message => RegionReasonText.Message(Reason);
}
