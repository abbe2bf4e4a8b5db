namespace UefiRecovery.Core.Protocol.Client;

/// <summary>What happened during one Poll; several may be set at once.</summary>
public enum ClientEvents : uint
{
    None = 0,
    RequestSent = 1 << 0,
    OfferReceived = 1 << 1,
    DonorChosen = 1 << 2,
    /// <summary>The first DATA or STATUS_REQUEST of the chosen session arrived: the ACCEPT took.</summary>
    Joined = 1 << 3,
    FragmentsReceived = 1 << 4,
    StatusSent = 1 << 5,
    /// <summary>Every fragment is held; the verifier has been called in the same Poll.</summary>
    ImageComplete = 1 << 6,
    /// <summary>The verifier rejected the image; the donor is excluded and discovery restarted.</summary>
    ImageRejected = 1 << 7,
    /// <summary>The verifier accepted the image: write it, then call ReportOutcome.</summary>
    ImageVerified = 1 << 8,
    ResultSent = 1 << 9,
    ResultAcknowledged = 1 << 10,
    Finished = 1 << 11,
    /// <summary>Several REQUESTs went unanswered (discovery goes on).</summary>
    NoDonorYet = 1 << 12,
    /// <summary>The session went silent for T_lost; discovery restarted with the fragments kept.</summary>
    SessionLost = 1 << 13,
    /// <summary>The donor sent ABORT; discovery restarted with the fragments kept.</summary>
    SessionAborted = 1 << 14,
    /// <summary>The chosen donor never confirmed the ACCEPT; the next offer is tried.</summary>
    AcceptTimedOut = 1 << 15,
    /// <summary>A READINESS went to the configured managers (an instructed boot, before its first OFFER).</summary>
    ReadinessSent = 1 << 16,
}
