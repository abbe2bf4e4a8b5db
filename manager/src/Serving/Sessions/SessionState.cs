namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>The server-side session state machine (docs/protocol.md §6).</summary>
public enum SessionState
{
    /// <summary>Offered to at least one client; nobody has accepted yet, nothing is sent.</summary>
    Offered,
    /// <summary>First ACCEPT taken; waiting T_gather so machines that boot together share pass 0.</summary>
    Gathering,
    /// <summary>Sending a pass (the first, or a repair pass of the NACK union), paced.</summary>
    Sending,
    /// <summary>STATUS_REQUEST sent; collecting answers until all arrive or the window closes.</summary>
    StatusRound,
    /// <summary>Every member is complete; waiting for their RESULTs.</summary>
    AwaitingResults,
    /// <summary>Every member reported, left or timed out.</summary>
    Finished,
}
