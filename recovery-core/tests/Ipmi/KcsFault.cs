namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>Ways <see cref="SpecKcsBmc"/> breaks the KCS flow, one per error state the host must survive.</summary>
public enum KcsFault
{
    None,

    /// <summary>The BMC stops taking writes: IBF stays set after the third write of the transfer.</summary>
    IbfStuckInWritePhase,

    /// <summary>The BMC takes the request but never answers: IBF stays set after the last byte.</summary>
    NeverResponds,

    /// <summary>The BMC goes to ERROR (length error, 06h) on the second request data byte.</summary>
    ErrorStateInWritePhase,

    /// <summary>The BMC stays IDLE after WRITE_START.</summary>
    IdleAfterWriteStart,

    /// <summary>The BMC goes to ERROR while the response is read.</summary>
    ErrorStateInReadPhase,

    /// <summary>The BMC says READ but never sets OBF for the second response byte.</summary>
    ObfNeverSet,

    /// <summary>The BMC does not leave ERROR for READ when the host asks for the status code.</summary>
    AbortIgnored,
}
