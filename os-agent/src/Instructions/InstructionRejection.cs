namespace UefiRecovery.Agent.Instructions;

/// <summary>Why the agent ignored a datagram (logged, nothing changed, nothing answered).</summary>
public enum InstructionRejection
{
    None = 0,
    /// <summary>Not a well-formed RECOVERY_INSTRUCTION (header, CRC or a field rule of docs/protocol.md §4.11).</summary>
    Malformed,
    /// <summary>Signed with a modulus none of the installed key files has.</summary>
    UntrustedKey,
    /// <summary>A trusted modulus, but the signature does not verify (tampered, or forged).</summary>
    BadSignature,
    /// <summary>Names another machine: no NIC has the MAC, or the system UUID differs (or cannot be read).</summary>
    OtherMachine,
    /// <summary>Its expiry has passed.</summary>
    Expired,
    /// <summary>Its counter is not above the highest one taken under this key.</summary>
    Replayed,
    /// <summary>The stored counter could not be read or written: nothing is taken until an operator looks.</summary>
    CounterStoreFailed,
}
