using System;
using System.Linq;
using System.Net;

namespace UefiRecovery.Manager.Serving.Sessions;

/// <summary>
/// One member of a session: where it is, what it last said, when it was last heard. A member is its token
/// (docs/protocol.md §7.4), which stands for its sender id and source address together: the address is
/// fixed at join (a REQUEST from another address makes another member, even with the same MAC). Only a
/// token-proven ACCEPT from that same address may change the port (a machine that rebooted).
/// </summary>
public sealed class SessionClient(ulong token, ulong clientId, IPEndPoint endPoint, TimeSpan joinedAt)
{
    /// <summary>The member token: a secret between the manager and this member, never shown or logged.</summary>
    public ulong Token { get; } = token;

    public ulong ClientId { get; } = clientId;

    /// <summary>The member's IPv4 address: fixed, its token was derived from it.</summary>
    public IPAddress Address { get; } = endPoint.Address;

    /// <summary>Where unicast DATA and donor ABORTs go: <see cref="Address"/> and the port of its latest ACCEPT.</summary>
    public IPEndPoint EndPoint { get; private set; } = endPoint;

    /// <summary>A token-proven ACCEPT came from <paramref name="endPoint"/> (same address, perhaps a new port after a reboot).</summary>
    public void Rejoined(IPEndPoint endPoint)
    {
        if (endPoint.Address.Equals(Address)) EndPoint = endPoint;
    }

    /// <summary>A label for logs, the status and the result log that tells members apart without revealing the token.</summary>
    public string MemberTag => TagFor(Token);

    /// <summary>The first 8 hex digits of SHA-256 over the token: stable per membership, useless for forging one.</summary>
    public static string TagFor(ulong token)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, token);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes).AsSpan(0, 4));
    }
    public TimeSpan JoinedAt { get; } = joinedAt;
    public TimeSpan LastHeard { get; set; } = joinedAt;
    public MemberState State { get; set; } = MemberState.Receiving;
    public uint FragmentsHeld { get; set; }
    public uint CorruptedSeen { get; set; }
    public int MissingFragments { get; set; } = -1;

    /// <summary>The last status round this client answered (a client answers each round once).</summary>
    public uint AnsweredRound { get; set; }

    /// <summary>It said MORE: it has further NACKs than fit one STATUS, so another round is needed after the repair pass.</summary>
    public bool HasMoreNacks { get; set; }

    public string? ResultText { get; set; }

    /// <summary>When the oldest status request this client has not answered went out; MinValue when none is outstanding.</summary>
    public TimeSpan FirstUnansweredAt { get; set; } = TimeSpan.MinValue;

    /// <summary>Consecutive status rounds this client left unanswered.</summary>
    public int SilentRounds { get; set; }

    /// <summary>The most fragments it ever said it held: progress is holding more than this.</summary>
    public uint BestFragmentsHeld { get; set; }

    /// <summary>NACKs it listed since the last repair pass began (what the next pass carries for it).</summary>
    public int NacksListed { get; set; }

    // The round of its latest STATUS, and whether that STATUS said MORE: the next one of the same round continues the
    // answer (docs/protocol.md §4.6: an answer is a series of STATUS datagrams, MORE on every one but the last).
    private uint _seriesRound;
    private bool _seriesOpen;

    /// <summary>What its earlier datagrams of the answer this STATUS continues listed (0 when it starts an answer); notes this one.</summary>
    public int ListedEarlierInAnswer(uint round, bool more)
    {
        int earlier = _seriesOpen && _seriesRound == round ? NacksListed : 0;
        _seriesRound = round;
        _seriesOpen = more;
        return earlier;
    }

    /// <summary>
    /// The share of the image it missed after pass 0, from its first answer then (NaN: not measured, e.g. it joined
    /// after the first DATA). The parity margin for blocks it needs most is sized for this loss (ParityPlan).
    /// </summary>
    public double PassZeroLoss { get; set; } = double.NaN;

    /// <summary>Repair passes that carried its NACKs since it last made progress .</summary>
    public int RepairPassesWithoutProgress { get; set; }

    /// <summary>Fragments it NACKed that repair passes sent again since it last made progress.</summary>
    public long FragmentsResentWithoutProgress { get; set; }

    /// <summary>Why the session dropped it, when that was not silence (recorded as a timeout with this detail).</summary>
    public string? DropReason { get; set; }

    /// <summary>When it said COMPLETE (the RESULT timeout runs from here).</summary>
    public TimeSpan CompletedAt { get; set; }

    /// <summary>When its RESULT was recorded (the dashboard's phase timeline); MinValue before.</summary>
    public TimeSpan ReportedAt { get; set; } = TimeSpan.MinValue;

    /// <summary>MAC address form of the client id (the low 48 bits, §3.1).</summary>
    public string IdText => FormatId(ClientId);

    public bool IsActive => State is MemberState.Receiving or MemberState.Complete;

    public static string FormatId(ulong id) =>
        (id >> 48) == 0
            ? string.Join(':', new[] { 40, 32, 24, 16, 8, 0 }.Select(shift => ((byte)(id >> shift)).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))
            : id.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
