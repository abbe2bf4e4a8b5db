namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>What a member of a session is doing, as the manager knows it (the machine's own state is recovery-core's <c>ClientState</c>).</summary>
public enum MemberState
{
    /// <summary>Still missing fragments (or not yet asked).</summary>
    Receiving,
    /// <summary>Said COMPLETE; now verifying and writing, RESULT still to come.</summary>
    Complete,
    /// <summary>Its RESULT is recorded.</summary>
    Reported,
    /// <summary>Silent for longer than the client timeout; recorded as timed out.</summary>
    TimedOut,
    /// <summary>Sent ABORT (left the session).</summary>
    Left,
}
