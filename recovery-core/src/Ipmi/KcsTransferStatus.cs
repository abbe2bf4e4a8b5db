namespace UefiRecovery.Core.Ipmi;

/// <summary>How one KCS request/response transfer ended (<see cref="KcsInterface.Transact"/>).</summary>
public enum KcsTransferStatus : byte
{
    Ok = 0,

    /// <summary>The request is shorter than netfn + cmd or longer than the interface's message limit.</summary>
    BadRequest,

    /// <summary>IBF stayed set for the whole poll budget: the BMC did not take a byte (or never answered).</summary>
    IbfTimeout,

    /// <summary>OBF never came in the read phase: the BMC did not deliver the byte it announced.</summary>
    ObfTimeout,

    /// <summary>The status register showed a state the transfer does not allow here (e.g. ERROR in the write phase).</summary>
    UnexpectedState,

    /// <summary>The response was longer than the caller's buffer.</summary>
    ResponseTooLong,

    /// <summary>The error exit (GET_STATUS/ABORT) itself failed: the interface is left in an unknown state.</summary>
    AbortFailed,
}
