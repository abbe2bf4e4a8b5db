using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace UefiRecovery.Testbed.Bmc;

/// <summary>
/// The BMC side of OpenBMC's IPMI BLOB transfer protocol (phosphor-ipmi-blobs README) for the test BMC:
/// OEM/Group netfn 2Eh, command 80h, OEN 49871, CRC-16-CCITT over each body. Blob ids are paths ("/flash/image",
/// "/recovery/image"); any id starting with '/' may be opened for writing (the spec's prefix-defined blobs).
/// Writes go to the session's staging buffer in order (a repeated Write at an earlier offset overwrites, so a
/// retried Write is harmless; a gap is refused CCh); Commit stores the staged bytes, and Stat reports
/// "committing" for <see cref="CommitPolls"/> polls, then "committed" (or never, <see cref="NeverCommit"/>).
/// Answers to a bad request CRC are FFh, as OpenBMC's handler answers.
/// </summary>
public sealed class BmcBlobStore
{
    public const byte NetFn = 0x2E;
    public const byte Command = 0x80;
    private static readonly byte[] Oen = { 0xCF, 0xC2, 0x00 };

    private readonly object _lock = new();
    private readonly Dictionary<string, byte[]> _stored = new();
    private readonly Dictionary<string, int> _pollsLeft = new();
    private readonly Dictionary<string, byte[]> _metadata = new();
    private readonly Dictionary<ushort, Session> _sessions = new();
    private readonly List<Fault> _faults = new();
    private ushort _nextSession = 1;

    private sealed class Fault
    {
        public required byte Subcommand;
        public required BmcBlobFault Kind;
        public required int Skip;
        public required int Count;
    }

    private sealed class Session
    {
        public required string Id;
        public required bool Write;
        public readonly List<byte> Staged = new();
    }

    /// <summary>Every BLOB command with a valid CRC, in order.</summary>
    public ConcurrentQueue<BmcBlobMessage> Messages { get; } = new();

    /// <summary>Requests whose CRC did not match (answered FFh).</summary>
    public int CrcErrors { get; private set; }

    /// <summary>Stat polls answered "committing" after a Commit before "committed".</summary>
    public int CommitPolls { get; set; } = 1;

    /// <summary>Stat never reports "committed": the BMC never acknowledges that it stored the file.</summary>
    public bool NeverCommit { get; set; }

    /// <summary>
    /// Puts a committed blob in the store (what an earlier upload or the BMC's own update left there), with the metadata
    /// Stat returns for it (at most 64 bytes; none by default, and an upload clears it).
    /// </summary>
    public void Put(string id, byte[] content, byte[]? metadata = null)
    {
        if (metadata != null && metadata.Length > 64)
            throw new ArgumentException("Stat metadata must fit one IPMI message: at most 64 bytes here", nameof(metadata));
        lock (_lock)
        {
            _stored[id] = content.ToArray();
            if (metadata == null)
                _metadata.Remove(id);
            else
                _metadata[id] = metadata.ToArray();
        }
    }

    /// <summary>The committed bytes of <paramref name="id"/>, or null.</summary>
    public byte[]? Stored(string id)
    {
        lock (_lock)
            return _stored.TryGetValue(id, out byte[]? bytes) ? bytes.ToArray() : null;
    }

    public string[] Ids()
    {
        lock (_lock)
            return _stored.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// After <paramref name="skip"/> more commands with <paramref name="subcommand"/> pass untouched, the next <paramref name="count"/>
    /// get <paramref name="fault"/>. Faults are kept per injection; each command counts against every injection for its subcommand.
    /// </summary>
    public void InjectFault(byte subcommand, BmcBlobFault fault, int count, int skip = 0)
    {
        lock (_lock)
            _faults.Add(new Fault { Subcommand = subcommand, Kind = fault, Skip = skip, Count = count });
    }

    /// <summary>The answer (completion code, data) to a BLOB request's data, or null when the answer is dropped.</summary>
    public byte[]? Answer(byte[] data)
    {
        lock (_lock)
        {
            if (data.Length < 4)
                return new byte[] { 0xC7 };
            if (!data.AsSpan(0, 3).SequenceEqual(Oen))
                return new byte[] { 0xCC }; // another OEM's group command
            byte subcommand = data[3];
            byte[] body = Array.Empty<byte>();
            if (data.Length > 4)
            {
                if (data.Length < 6 || (data[4] | data[5] << 8) != Crc16(data.AsSpan(6)))
                {
                    CrcErrors++;
                    return new byte[] { 0xFF };
                }
                body = data[6..];
            }
            BmcBlobFault? fault = TakeFault(subcommand);
            if (fault == BmcBlobFault.Busy)
                return new byte[] { 0xC0 };
            byte[] answer = Handle(subcommand, body, out ushort session, out uint offset, out int dataBytes);
            Messages.Enqueue(new BmcBlobMessage(subcommand, session, offset, dataBytes, fault != BmcBlobFault.Drop));
            if (fault == BmcBlobFault.Drop)
                return null;
            if (fault == BmcBlobFault.Corrupt && answer[0] == 0x00)
                answer[answer.Length > 4 ? 4 : 1] ^= 0x5A; // the CRC's low byte, or the OEN
            return answer;
        }
    }

    private BmcBlobFault? TakeFault(byte subcommand)
    {
        BmcBlobFault? taken = null;
        foreach (Fault fault in _faults)
        {
            if (fault.Subcommand != subcommand || fault.Count <= 0)
                continue;
            if (fault.Skip > 0)
            {
                fault.Skip--;
                continue;
            }
            if (taken == null)
            {
                taken = fault.Kind;
                fault.Count--;
            }
        }
        return taken;
    }

    private byte[] Handle(byte subcommand, byte[] body, out ushort sessionId, out uint offset, out int dataBytes)
    {
        sessionId = 0;
        offset = 0;
        dataBytes = 0;
        switch (subcommand)
        {
            case 0: // GetCount
                return Ok(BitConverter.GetBytes((uint)_stored.Count));
            case 1: // Enumerate
            {
                if (body.Length < 4)
                    return new byte[] { 0xC7 };
                string[] ids = _stored.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
                uint index = BitConverter.ToUInt32(body, 0);
                return index >= ids.Length ? new byte[] { 0xCB } : Ok(Encoding.ASCII.GetBytes(ids[index] + "\0"));
            }
            case 2: // Open
            {
                if (body.Length < 4 || !TryId(body.AsSpan(2), out string id))
                    return new byte[] { 0xCC };
                ushort flags = BitConverter.ToUInt16(body, 0);
                bool write = (flags & 2) != 0;
                if ((flags & 3) == 0 || (!write && !_stored.ContainsKey(id)))
                    return new byte[] { 0xCB };
                // One writer per blob: a second Open for writing replaces the first (the spec's optional behavior,
                // and what makes a retried Open whose answer was lost harmless).
                foreach (ushort stale in _sessions.Where(s => s.Value.Id == id && s.Value.Write).Select(s => s.Key).ToArray())
                    _sessions.Remove(stale);
                sessionId = _nextSession++;
                _sessions[sessionId] = new Session { Id = id, Write = write };
                return Ok(BitConverter.GetBytes(sessionId));
            }
            case 3: // Read
            {
                if (body.Length != 10 || !_sessions.TryGetValue(sessionId = BitConverter.ToUInt16(body, 0), out Session? session))
                    return new byte[] { 0xCC };
                offset = BitConverter.ToUInt32(body, 2);
                uint size = BitConverter.ToUInt32(body, 6);
                byte[] content = _stored.TryGetValue(session.Id, out byte[]? stored) ? stored : Array.Empty<byte>();
                byte[] chunk = offset >= content.Length ? Array.Empty<byte>() : content.Skip((int)offset).Take((int)Math.Min(size, 292)).ToArray();
                dataBytes = chunk.Length;
                return Ok(chunk);
            }
            case 4: // Write
            {
                if (body.Length < 6 || !_sessions.TryGetValue(sessionId = BitConverter.ToUInt16(body, 0), out Session? session) || !session.Write)
                    return new byte[] { 0xCC };
                offset = BitConverter.ToUInt32(body, 2);
                dataBytes = body.Length - 6;
                if (offset > session.Staged.Count)
                    return new byte[] { 0xCC }; // writes are sequential: no gaps
                for (int i = 0; i < dataBytes; i++)
                {
                    if (offset + i < session.Staged.Count)
                        session.Staged[(int)offset + i] = body[6 + i];
                    else
                        session.Staged.Add(body[6 + i]);
                }
                return Empty();
            }
            case 5: // Commit
            {
                if (body.Length < 3 || !_sessions.TryGetValue(sessionId = BitConverter.ToUInt16(body, 0), out Session? session) || !session.Write)
                    return new byte[] { 0xCC };
                _stored[session.Id] = session.Staged.ToArray();
                _metadata.Remove(session.Id);
                _pollsLeft[session.Id] = CommitPolls;
                return Empty();
            }
            case 6: // Close
                if (body.Length != 2 || !_sessions.Remove(sessionId = BitConverter.ToUInt16(body, 0)))
                    return new byte[] { 0xCC };
                return Empty();
            case 7: // Delete
            {
                if (!TryId(body, out string id) || !_stored.Remove(id))
                    return new byte[] { 0xCB };
                return Empty();
            }
            case 8: // Stat
            {
                if (!TryId(body, out string id))
                    return new byte[] { 0xCC };
                return StatOf(id);
            }
            case 9: // SessionStat
                if (body.Length != 2 || !_sessions.TryGetValue(sessionId = BitConverter.ToUInt16(body, 0), out Session? s))
                    return new byte[] { 0xCC };
                return StatOf(s.Id);
            default:
                return new byte[] { 0xCC };
        }
    }

    private byte[] StatOf(string id)
    {
        if (!_stored.TryGetValue(id, out byte[]? content))
            return new byte[] { 0xCB };
        int state = _sessions.Values.Where(s => s.Id == id).Aggregate(0, (bits, s) => bits | (s.Write ? 2 : 1));
        if (_pollsLeft.TryGetValue(id, out int left) && (left > 0 || NeverCommit))
        {
            _pollsLeft[id] = left - 1;
            state |= 4; // committing
        }
        else
        {
            state |= 8; // committed
        }
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes((ushort)state));
        body.AddRange(BitConverter.GetBytes((uint)content.Length));
        byte[] metadata = _metadata.TryGetValue(id, out byte[]? m) ? m : Array.Empty<byte>();
        body.Add((byte)metadata.Length);
        body.AddRange(metadata);
        return Ok(body.ToArray());
    }

    private static bool TryId(ReadOnlySpan<byte> bytes, out string id)
    {
        id = "";
        int end = bytes.IndexOf((byte)0);
        if (end < 2 || bytes[0] != (byte)'/' || end > 64)
            return false;
        id = Encoding.ASCII.GetString(bytes[..end]);
        return true;
    }

    /// <summary>Completion code 00h, OEN, CRC, body.</summary>
    private static byte[] Ok(byte[] body)
    {
        ushort crc = Crc16(body);
        return new byte[] { 0x00, Oen[0], Oen[1], Oen[2], (byte)crc, (byte)(crc >> 8) }.Concat(body).ToArray();
    }

    private static byte[] Empty() => new byte[] { 0x00, Oen[0], Oen[1], Oen[2] };

    /// <summary>CRC-16-CCITT as OpenBMC's ipmiblob computes it: augmented (two zero bytes appended), from FFFFh.</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        int crc = 0xFFFF;
        for (int i = 0; i < data.Length + 2; i++)
        {
            int value = i < data.Length ? data[i] : 0;
            for (int bit = 7; bit >= 0; bit--)
            {
                bool top = (crc & 0x8000) != 0;
                crc = ((crc << 1) | ((value >> bit) & 1)) & 0xFFFF;
                if (top)
                    crc ^= 0x1021;
            }
        }
        return (ushort)crc;
    }
}
