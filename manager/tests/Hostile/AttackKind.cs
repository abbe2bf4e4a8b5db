namespace UefiRecovery.Manager.Hostile;

/// <summary>What the attack tool sends (docs/operating.md §7 says what each one costs the manager).</summary>
public enum AttackKind
{
    /// <summary>RESULTs with valid CRCs for random sessions, senders and image ids: the result log and its de-duplication.</summary>
    ForgedResults,

    /// <summary>REQUESTs for the target's image type from random MACs: an OFFER and a log line each, the offer table.</summary>
    RequestFlood,

    /// <summary>Mutated valid messages (truncated, bit-flipped, re-sealed with a valid CRC): every parser.</summary>
    Malformed,

    /// <summary>Random bytes of random length: the frame checks.</summary>
    Garbage,

    /// <summary>ACCEPTs and STATUS for random session ids from random senders: an ABORT each, the session lookup.</summary>
    RandomSessions,

    /// <summary>All of the above, in equal parts.</summary>
    Mix,

    /// <summary>
    /// REQUESTs from random MACs, and an ACCEPT for every OFFER that comes back: each one a session that
    /// streams the image to the attacker (bounded by the manager's session limit; not part of Mix).
    /// </summary>
    SessionFlood,
}
