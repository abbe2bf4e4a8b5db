using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Hostile;

/// <summary>
/// Seeded generator of malformed and hostile datagrams for a donor: random junk, truncations, bit flips
/// of valid messages, and — the dangerous part — field mutations with the CRC recomputed so they pass
/// the integrity check and reach every message parser and the session logic (forged STATUS with huge
/// NACKs for the live session, RESULTs for unknown sessions, ACCEPTs from strangers, REQUEST floods).
/// </summary>
public sealed class HostileDatagrams
{
    private readonly Random _random;
    private readonly List<byte[]> _templates = new();

    public HostileDatagrams(int seed, uint liveSessionId, ulong liveImageId, Guid imageType)
    {
        _random = new Random(seed);
        LiveSessionId = liveSessionId;
        LiveImageId = liveImageId;
        Span<byte> type = stackalloc byte[16];
        imageType.TryWriteBytes(type);
        ImageTypeId.TryRead(type, out ImageTypeId typeId);
        TypeId = typeId;
        BuildTemplates();
    }

    public uint LiveSessionId { get; }
    public ulong LiveImageId { get; }
    private ImageTypeId TypeId { get; }

    private MessageIds Ids(uint session) => new((uint)_random.Next(), session, (ulong)_random.NextInt64(1, 1L << 48));

    private void BuildTemplates()
    {
        var buffer = new byte[2048];
        int n;
        if (new RequestMessage(TypeId, 1, 0, 0x02AABBCCDDEE, 1472, 0, 0, RequestReason.FirmwareInvalid, DeliveryModes.All).TryEmit(buffer, Ids(0), out n) == WireStatus.Ok) Keep(buffer, n);
        // Member tokens are guessed: an attacker without the OFFER has nothing better (docs/protocol.md §7.4).
        if (new AcceptMessage(1, LiveImageId, 0, Token()).TryEmit(buffer, Ids(LiveSessionId), out n) == WireStatus.Ok) Keep(buffer, n);
        if (StatusMessage.TryEmitComplete(buffer, Ids(LiveSessionId), new StatusReport(1, 10, 0, 0, Token()), out n) == WireStatus.Ok) Keep(buffer, n);
        var ranges = new[] { new NackRange(0, 100), new NackRange(200, uint.MaxValue - 300) };
        if (StatusMessage.TryEmitRanges(buffer, Ids(LiveSessionId), new StatusReport(1, 5, 7, 0, Token()), true, ranges, out n) == WireStatus.Ok) Keep(buffer, n);
        var bitmap = new byte[1024];
        Array.Fill(bitmap, (byte)0xFF);
        if (StatusMessage.TryEmitBitmap(buffer, Ids(LiveSessionId), new StatusReport(0, 0, 0, 0, Token()), false, uint.MaxValue - 8 * 1024 + 1, bitmap, out n) == WireStatus.Ok) Keep(buffer, n);
        if (new ResultMessage(LiveImageId, ResultOutcome.Failure, ResultReason.SignatureInvalid, 3, Token()).TryEmit(buffer, Ids(0x12345678), out n) == WireStatus.Ok) Keep(buffer, n);
        if (new AbortMessage(AbortReason.ClientLeaving, Token(), default).TryEmit(buffer, Ids(LiveSessionId), out n) == WireStatus.Ok) Keep(buffer, n);
        if (DataMessage.TryEmit(buffer, Ids(LiveSessionId), 3, 0, new byte[100], out n) == WireStatus.Ok) Keep(buffer, n);
        if (new StatusRequestMessage(1, 100, 128, 0).TryEmit(buffer, Ids(LiveSessionId), out n) == WireStatus.Ok) Keep(buffer, n);
        if (_templates.Count != 9) throw new InvalidOperationException("a template failed to emit");
    }

    private ulong Token() => (ulong)_random.NextInt64(1, long.MaxValue);

    private void Keep(byte[] buffer, int length) => _templates.Add(buffer.AsSpan(0, length).ToArray());

    /// <summary>The next hostile datagram.</summary>
    public byte[] Next()
    {
        byte[] template = _templates[_random.Next(_templates.Count)];
        switch (_random.Next(8))
        {
            case 0: // junk of any length
            {
                var junk = new byte[_random.Next(0, 1600)];
                _random.NextBytes(junk);
                return junk;
            }
            case 1: // a valid message cut short
                return template.AsSpan(0, _random.Next(0, template.Length)).ToArray();
            case 2: // bit flips, CRC left as it was
            {
                byte[] copy = (byte[])template.Clone();
                for (int i = 1 + _random.Next(4); i > 0; i--) copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
                return copy;
            }
            case 3: // payload bytes rewritten, CRC made valid: reaches the parsers
            {
                byte[] copy = (byte[])template.Clone();
                for (int i = 1 + _random.Next(6); i > 0 && copy.Length > 32; i--) copy[32 + _random.Next(copy.Length - 32)] = (byte)_random.Next(256);
                return Sealed(copy);
            }
            case 4: // header fields rewritten (type, flags, ids, reserved), CRC valid
            {
                byte[] copy = (byte[])template.Clone();
                int[] offsets = { 5, 6, 7, 8, 12, 13, 16, 23, 26, 27 };
                for (int i = 1 + _random.Next(3); i > 0; i--) copy[offsets[_random.Next(offsets.Length)]] = (byte)_random.Next(256);
                return Sealed(copy);
            }
            case 5: // longer or shorter than its type allows, length field and CRC consistent
            {
                int length = Math.Clamp(template.Length + _random.Next(-20, 40), 32, 2000);
                var copy = new byte[length];
                template.AsSpan(0, Math.Min(length, template.Length)).CopyTo(copy);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(24), (ushort)(length - 32));
                return Sealed(copy);
            }
            case 6: // the live session, random sender: forged STATUS/ACCEPT/ABORT/RESULT from strangers
            {
                byte[] copy = (byte[])template.Clone();
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(12), copy[5] == (byte)MessageType.Request ? 0 : LiveSessionId);
                BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(16), (ulong)_random.NextInt64(1, long.MaxValue));
                return Sealed(copy);
            }
            default: // REQUEST flood with random MACs and datagram sizes (offer table, geometry)
            {
                byte[] copy = (byte[])_templates[0].Clone();
                BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(16), (ulong)_random.NextInt64(1, 1L << 48));
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(32 + 30), (ushort)_random.Next(0, 10000));
                copy[32 + 45] = (byte)_random.Next(0, 16);
                return Sealed(copy);
            }
        }
    }

    private static byte[] Sealed(byte[] message)
    {
        if (message.Length < 32) return message;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(28), 0);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(28), MessageHeader.ComputeMessageCrc(message));
        return message;
    }
}
