namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>How <see cref="RecoveryPreflight"/> ended.</summary>
internal enum PreflightOutcome
{
    /// <summary>Nothing to recover with or into (a DONE failed line was printed).</summary>
    Failed,

    /// <summary>Auto mode and the region is valid: hand over to the next loader.</summary>
    RegionValid,

    /// <summary>Recover: the region, its flash, the marker store and the trust are ready.</summary>
    Ready,
}

/// <summary>What the pre-flight found; the parts are set only when <see cref="Outcome"/> is Ready.</summary>
internal readonly struct PreflightResult
{
    private PreflightResult(PreflightOutcome outcome, in RegionTarget region, FvbFlashRegion? flash, EspMarkerStore? markerStore,
        byte[]? block, TrustStore? trust)
    {
        Outcome = outcome;
        Region = region;
        Flash = flash;
        MarkerStore = markerStore;
        Block = block;
        Trust = trust;
    }

    public PreflightOutcome Outcome { get; }

    public RegionTarget Region { get; }

    public FvbFlashRegion? Flash { get; }

    public EspMarkerStore? MarkerStore { get; }

    /// <summary>One block of scratch for the region's validation (the region is judged again after the write).</summary>
    public byte[]? Block { get; }

    public TrustStore? Trust { get; }

    public static PreflightResult Failed() => new(PreflightOutcome.Failed, default, null, null, null, null);

    public static PreflightResult Valid() => new(PreflightOutcome.RegionValid, default, null, null, null, null);

    public static PreflightResult Ready(in RegionTarget region, FvbFlashRegion flash, EspMarkerStore markerStore, byte[] block, TrustStore trust) =>
        new(PreflightOutcome.Ready, region, flash, markerStore, block, trust);
}
