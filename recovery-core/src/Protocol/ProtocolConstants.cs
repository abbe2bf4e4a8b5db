namespace UefiRecovery.Core.Protocol;

/// <summary>Fixed numbers of the recovery protocol, version 2 (docs/protocol.md §2, §3).</summary>
public static class ProtocolConstants
{
    /// <summary>"URCP" in ASCII, the first four bytes of every message (§3.1).</summary>
    public const uint Magic = 0x55524350u;

    /// <summary>The protocol version this code speaks; other versions are rejected, not guessed at.</summary>
    public const byte Version = 2;

    /// <summary>UDP port donors (manager, peer servers) listen on (§2). Not IANA-assigned; configurable.</summary>
    public const ushort DonorPort = 40123;

    /// <summary>UDP port recovering machines listen on; DATA and STATUS_REQUEST are sent here (§2).</summary>
    public const ushort ClientPort = 40124;

    /// <summary>UDP port the agent in a running OS listens on for RECOVERY_INSTRUCTION (§2, §4.11).</summary>
    public const ushort AgentPort = 40125;

    /// <summary>Bytes of the common header in front of every payload (§3.1).</summary>
    public const int HeaderLength = 32;

    /// <summary>Bytes of the DATA payload in front of the fragment bytes (§4.4).</summary>
    public const int DataPrefixLength = 8;

    /// <summary>Header plus DATA prefix: a fragment is at most max datagram minus this (§5.2).</summary>
    public const int FragmentOverhead = HeaderLength + DataPrefixLength;

    /// <summary>
    /// Header flag of an OFFER (§5.5, capability FEC1): the donor takes BLOCK COUNTS STATUS and answers it with
    /// PARITY. Peers that do not know it carry flags as received (§3.1), so old clients simply never use it.
    /// </summary>
    public const ushort FlagFec = 0x0001;

    /// <summary>Source fragments per FEC block (§5.5): block b is fragments [64·b, min(64·(b+1), count)).</summary>
    public const int FecBlockLength = 64;

    /// <summary>Parity fragments a block can have: parity indices 0..127 (§5.5).</summary>
    public const int FecMaxParity = 128;

    /// <summary>The PARITY prefix before the parity bytes (§4.14).</summary>
    public const int ParityPrefixLength = 8;
}
