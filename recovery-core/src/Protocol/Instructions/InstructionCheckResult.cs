namespace UefiRecovery.Core.Protocol.Instructions;

/// <summary>
/// What the recovery app found in the instruction the OS agent left for it (docs/protocol.md §4.11, "What the
/// app does"). Only <see cref="Valid"/> lets the instruction make the app recover; the names match the agent's reasons.
/// </summary>
public enum InstructionCheckResult : byte
{
    /// <summary>Never returned: the default value is not a success.</summary>
    None = 0,
    /// <summary>Signed by a configured instruction key, for this machine, not expired, counter above the stored one.</summary>
    Valid,
    /// <summary>Not a well-formed RECOVERY_INSTRUCTION datagram (header, CRC or a field rule).</summary>
    Malformed,
    /// <summary>No <c>uefirecovery.trust.instruction</c> is configured: no instruction can be taken.</summary>
    NoTrustedKeys,
    /// <summary>Signed with a modulus whose SHA-256 is none of the configured instruction keys.</summary>
    UntrustedKey,
    /// <summary>A trusted modulus, but the signature does not verify (tampered or forged).</summary>
    BadSignature,
    /// <summary>The target system UUID or MAC is not this machine's (or this machine's UUID is unreadable).</summary>
    OtherMachine,
    /// <summary>The real-time clock is at or past the expiry.</summary>
    Expired,
    /// <summary>The counter is not above the last one this machine took (kept where the OS cannot write).</summary>
    Replayed,
}
