namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>The message type byte of the header (docs/protocol.md §3.2).</summary>
public enum MessageType : byte
{
    /// <summary>Client asks for a compatible image (DISCOVER when broadcast, REQUEST when sent to a known manager).</summary>
    Request = 0x01,
    /// <summary>Donor offers an image and a session.</summary>
    Offer = 0x02,
    /// <summary>Client accepts one offer and joins its session.</summary>
    Accept = 0x03,
    /// <summary>Donor sends one numbered fragment.</summary>
    Data = 0x04,
    /// <summary>Donor asks every session member what it lacks.</summary>
    StatusRequest = 0x05,
    /// <summary>Client answers COMPLETE or NACKs missing/corrupted fragments.</summary>
    Status = 0x06,
    /// <summary>Client reports the verdict and the outcome of the update.</summary>
    Result = 0x07,
    /// <summary>Donor confirms it recorded a RESULT, so the client stops repeating it.</summary>
    ResultAck = 0x08,
    /// <summary>Either side ends a session.</summary>
    Abort = 0x09,
    /// <summary>Donor sends the leaf hashes of one group of fragments with their proof (§4.10).</summary>
    Manifest = 0x0A,
    /// <summary>Donor sends one parity fragment of a block (§4.14, capability FEC1 of §5.5).</summary>
    Parity = 0x0B,
    /// <summary>Manager tells the agent in a running OS to reboot its machine into recovery (§4.11), signed.</summary>
    RecoveryInstruction = 0x10,
    /// <summary>The recovery app, booted for an instruction, tells the manager it is ready (§4.12).</summary>
    Readiness = 0x11,
    /// <summary>The agent tells the manager what it did with an instruction, and what firmware runs (§4.13).</summary>
    AgentReport = 0x12,
}
