namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>The verdict in RESULT (docs/protocol.md §4.7).</summary>
public enum ResultOutcome : byte
{
    /// <summary>The image was verified, written, read back and the firmware is valid.</summary>
    Success = 0,
    /// <summary>The image was rejected or the update failed; the reason says why.</summary>
    Failure = 1,
}
