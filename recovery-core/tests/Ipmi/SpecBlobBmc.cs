using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace UefiRecovery.Core.Tests.Ipmi;

/// <summary>
/// The BMC side of the BLOB protocol written from phosphor-ipmi-blobs' README (not from <c>BlobClient</c>), as a
/// <see cref="SpecKcsBmc.Handler"/>: a store of named blobs, sessions, Write at an offset, Commit marks committed.
/// <see cref="Tamper"/> lets a test damage an answer (after completion code) before it goes out.
/// </summary>
public sealed class SpecBlobBmc
{
    private readonly Dictionary<ushort, (string Id, bool Write)> _sessions = new();
    private ushort _nextSession = 0x100;

    public Dictionary<string, List<byte>> Blobs { get; } = new();

    public HashSet<string> Committed { get; } = new();

    /// <summary>Damages an answer (completion code, data) of the subcommand given; returns the bytes to send.</summary>
    public Func<byte, byte[], byte[]>? Tamper { get; set; }

    public List<byte> Subcommands { get; } = new();

    public static ushort Crc(ReadOnlySpan<byte> data)
    {
        // CRC-16-CCITT as OpenBMC's ipmiblob computes it: augmented, from FFFFh (two zero bytes appended).
        ushort crc = 0xFFFF;
        foreach (byte b in data.ToArray().Concat(new byte[2]))
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                bool top = (crc & 0x8000) != 0;
                crc = (ushort)((crc << 1) | ((b >> bit) & 1));
                if (top)
                    crc ^= 0x1021;
            }
        }
        return crc;
    }

    public byte[] Handle(byte[] request)
    {
        byte[] header = [(byte)(request[0] | 0x04), request[1]];
        byte[] answer = Answer(request);
        if (Tamper != null && request.Length > 5)
            answer = Tamper(request[5], answer);
        return [.. header, .. answer];
    }

    private byte[] Answer(byte[] request)
    {
        if (request[0] >> 2 != 0x2E || request[1] != 0x80)
            return [0xC1];
        byte[] data = request[2..];
        if (data.Length < 4 || data[0] != 0xCF || data[1] != 0xC2 || data[2] != 0x00)
            return [0xCC];
        byte sub = data[3];
        Subcommands.Add(sub);
        byte[] body = [];
        if (data.Length > 4)
        {
            if (data.Length < 6 || BitConverter.ToUInt16(data, 4) != Crc(data.AsSpan(6)))
                return [0xFF];
            body = data[6..];
        }
        switch (sub)
        {
            case 0:
                return Ok(BitConverter.GetBytes((uint)Blobs.Count));
            case 2:
            {
                ushort flags = BitConverter.ToUInt16(body, 0);
                string id = CString(body.AsSpan(2));
                if ((flags & 2) != 0 && !Blobs.ContainsKey(id))
                    Blobs[id] = new List<byte>();
                if (!Blobs.ContainsKey(id))
                    return [0xCB];
                if ((flags & 2) != 0)
                {
                    Blobs[id].Clear();
                    Committed.Remove(id);
                }
                ushort session = _nextSession++;
                _sessions[session] = (id, (flags & 2) != 0);
                return Ok(BitConverter.GetBytes(session));
            }
            case 3:
            {
                List<byte> blob = Blobs[_sessions[BitConverter.ToUInt16(body, 0)].Id];
                int offset = (int)BitConverter.ToUInt32(body, 2);
                int size = (int)BitConverter.ToUInt32(body, 6);
                return Ok(offset >= blob.Count ? [] : blob.Skip(offset).Take(size).ToArray());
            }
            case 4:
            {
                List<byte> blob = Blobs[_sessions[BitConverter.ToUInt16(body, 0)].Id];
                int offset = (int)BitConverter.ToUInt32(body, 2);
                byte[] bytes = body[6..];
                while (blob.Count < offset + bytes.Length)
                    blob.Add(0);
                for (int i = 0; i < bytes.Length; i++)
                    blob[offset + i] = bytes[i];
                return [0x00, 0xCF, 0xC2, 0x00];
            }
            case 5:
                Committed.Add(_sessions[BitConverter.ToUInt16(body, 0)].Id);
                return [0x00, 0xCF, 0xC2, 0x00];
            case 6:
                return _sessions.Remove(BitConverter.ToUInt16(body, 0)) ? [0x00, 0xCF, 0xC2, 0x00] : [0xCC];
            case 8:
            {
                string id = CString(body);
                if (!Blobs.TryGetValue(id, out List<byte>? blob))
                    return [0xCB];
                ushort state = (ushort)(Committed.Contains(id) ? 8 : 0);
                return Ok([.. BitConverter.GetBytes(state), .. BitConverter.GetBytes((uint)blob.Count), 2, 0xAB, 0xCD]);
            }
            default:
                return [0xCC];
        }
    }

    private static string CString(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes[..bytes.IndexOf((byte)0)]);

    /// <summary>Completion code 00h, OEN, CRC, body.</summary>
    public static byte[] Ok(byte[] body) => [0x00, 0xCF, 0xC2, 0x00, .. BitConverter.GetBytes(Crc(body)), .. body];
}
