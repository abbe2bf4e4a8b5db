namespace UefiRecovery.Core.Protocol.Client;

/// <summary>States of the client session (docs/protocol.md §6.1).</summary>
public enum ClientState : byte
{
    /// <summary>Created; the first Poll starts discovery.</summary>
    Idle = 0,
    /// <summary>Sending REQUEST, gathering OFFERs.</summary>
    Discovering,
    /// <summary>Sent ACCEPT to the chosen donor, waiting for the session's traffic.</summary>
    Accepting,
    /// <summary>Member of a session, collecting fragments, answering STATUS_REQUEST.</summary>
    Receiving,
    /// <summary>Image complete and accepted by the verifier; the caller writes it and calls ReportOutcome.</summary>
    Verified,
    /// <summary>Sending RESULT until RESULT_ACK.</summary>
    Reporting,
    /// <summary>Done: RESULT acknowledged or retries spent.</summary>
    Finished,
}
