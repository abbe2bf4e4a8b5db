namespace UefiRecovery.Core.Firmware;

/// <summary>Outcome of <see cref="RegionRecovery.Run"/>.</summary>
public enum RecoveryStatus
{
    /// <summary>Written, read back, compared, and the marker says Complete.</summary>
    Recovered,

    /// <summary>The (already verified) image would itself be an invalid region for this target: nothing touched.</summary>
    ImageNotValidForTarget,

    /// <summary>The InProgress marker could not be recorded: nothing touched (no write without a marker).</summary>
    MarkerNotRecorded,

    /// <summary>The flash write failed (see the write result); the marker stays InProgress so the next boot recovers again.</summary>
    WriteFailed,

    /// <summary>The region is correct but the Complete marker could not be recorded; the next boot recovers again (harmless).</summary>
    CompletionNotRecorded,
}
