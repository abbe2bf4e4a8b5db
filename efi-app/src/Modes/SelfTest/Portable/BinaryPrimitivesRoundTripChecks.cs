using System.Buffers.Binary;

namespace UefiRecovery.Efi.Modes.SelfTest;

/// <summary>
/// Calls every BinaryPrimitives member the portable subset lists (Read/Write/TryRead/TryWrite of six
/// integer types, both byte orders), so the host build proves each signature exists in .NET too.
/// </summary>
internal static class BinaryPrimitivesRoundTripChecks
{
    public static void Run(ISelfTestSink sink)
    {
        Span<byte> buffer = stackalloc byte[8];
        bool ok = true;
        ok &= RoundTripInt16BigEndian(buffer, -2);
        ok &= RoundTripInt16LittleEndian(buffer, -2);
        ok &= RoundTripUInt16BigEndian(buffer, 0xFEDC);
        ok &= RoundTripUInt16LittleEndian(buffer, 0xFEDC);
        ok &= RoundTripInt32BigEndian(buffer, -123456789);
        ok &= RoundTripInt32LittleEndian(buffer, -123456789);
        ok &= RoundTripUInt32BigEndian(buffer, 0xFEDCBA98u);
        ok &= RoundTripUInt32LittleEndian(buffer, 0xFEDCBA98u);
        ok &= RoundTripInt64BigEndian(buffer, -1234567890123456789L);
        ok &= RoundTripInt64LittleEndian(buffer, -1234567890123456789L);
        ok &= RoundTripUInt64BigEndian(buffer, 0xFEDCBA9876543210UL);
        ok &= RoundTripUInt64LittleEndian(buffer, 0xFEDCBA9876543210UL);
        sink.Check("binary.every-method-round-trip", ok);
    }

    private static bool RoundTripInt16BigEndian(Span<byte> buffer, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadInt16BigEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteInt16BigEndian(buffer, value) && !BinaryPrimitives.TryWriteInt16BigEndian(buffer.Slice(0, sizeof(short) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadInt16BigEndian(buffer, out short read) && read == value &&
                       !BinaryPrimitives.TryReadInt16BigEndian(buffer.Slice(0, sizeof(short) - 1), out short none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripInt16LittleEndian(Span<byte> buffer, short value)
    {
        BinaryPrimitives.WriteInt16LittleEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadInt16LittleEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteInt16LittleEndian(buffer, value) && !BinaryPrimitives.TryWriteInt16LittleEndian(buffer.Slice(0, sizeof(short) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadInt16LittleEndian(buffer, out short read) && read == value &&
                       !BinaryPrimitives.TryReadInt16LittleEndian(buffer.Slice(0, sizeof(short) - 1), out short none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripUInt16BigEndian(Span<byte> buffer, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadUInt16BigEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteUInt16BigEndian(buffer, value) && !BinaryPrimitives.TryWriteUInt16BigEndian(buffer.Slice(0, sizeof(ushort) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadUInt16BigEndian(buffer, out ushort read) && read == value &&
                       !BinaryPrimitives.TryReadUInt16BigEndian(buffer.Slice(0, sizeof(ushort) - 1), out ushort none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripUInt16LittleEndian(Span<byte> buffer, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadUInt16LittleEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteUInt16LittleEndian(buffer, value) && !BinaryPrimitives.TryWriteUInt16LittleEndian(buffer.Slice(0, sizeof(ushort) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadUInt16LittleEndian(buffer, out ushort read) && read == value &&
                       !BinaryPrimitives.TryReadUInt16LittleEndian(buffer.Slice(0, sizeof(ushort) - 1), out ushort none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripInt32BigEndian(Span<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadInt32BigEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteInt32BigEndian(buffer, value) && !BinaryPrimitives.TryWriteInt32BigEndian(buffer.Slice(0, sizeof(int) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadInt32BigEndian(buffer, out int read) && read == value &&
                       !BinaryPrimitives.TryReadInt32BigEndian(buffer.Slice(0, sizeof(int) - 1), out int none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripInt32LittleEndian(Span<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadInt32LittleEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteInt32LittleEndian(buffer, value) && !BinaryPrimitives.TryWriteInt32LittleEndian(buffer.Slice(0, sizeof(int) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadInt32LittleEndian(buffer, out int read) && read == value &&
                       !BinaryPrimitives.TryReadInt32LittleEndian(buffer.Slice(0, sizeof(int) - 1), out int none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripUInt32BigEndian(Span<byte> buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadUInt32BigEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteUInt32BigEndian(buffer, value) && !BinaryPrimitives.TryWriteUInt32BigEndian(buffer.Slice(0, sizeof(uint) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadUInt32BigEndian(buffer, out uint read) && read == value &&
                       !BinaryPrimitives.TryReadUInt32BigEndian(buffer.Slice(0, sizeof(uint) - 1), out uint none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripUInt32LittleEndian(Span<byte> buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadUInt32LittleEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteUInt32LittleEndian(buffer, value) && !BinaryPrimitives.TryWriteUInt32LittleEndian(buffer.Slice(0, sizeof(uint) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadUInt32LittleEndian(buffer, out uint read) && read == value &&
                       !BinaryPrimitives.TryReadUInt32LittleEndian(buffer.Slice(0, sizeof(uint) - 1), out uint none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripInt64BigEndian(Span<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadInt64BigEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteInt64BigEndian(buffer, value) && !BinaryPrimitives.TryWriteInt64BigEndian(buffer.Slice(0, sizeof(long) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadInt64BigEndian(buffer, out long read) && read == value &&
                       !BinaryPrimitives.TryReadInt64BigEndian(buffer.Slice(0, sizeof(long) - 1), out long none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripInt64LittleEndian(Span<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadInt64LittleEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteInt64LittleEndian(buffer, value) && !BinaryPrimitives.TryWriteInt64LittleEndian(buffer.Slice(0, sizeof(long) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadInt64LittleEndian(buffer, out long read) && read == value &&
                       !BinaryPrimitives.TryReadInt64LittleEndian(buffer.Slice(0, sizeof(long) - 1), out long none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripUInt64BigEndian(Span<byte> buffer, ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadUInt64BigEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteUInt64BigEndian(buffer, value) && !BinaryPrimitives.TryWriteUInt64BigEndian(buffer.Slice(0, sizeof(ulong) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadUInt64BigEndian(buffer, out ulong read) && read == value &&
                       !BinaryPrimitives.TryReadUInt64BigEndian(buffer.Slice(0, sizeof(ulong) - 1), out ulong none) && none == 0;
        return plain && tryWrite && tryRead;
    }

    private static bool RoundTripUInt64LittleEndian(Span<byte> buffer, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        bool plain = BinaryPrimitives.ReadUInt64LittleEndian(buffer) == value;
        bool tryWrite = BinaryPrimitives.TryWriteUInt64LittleEndian(buffer, value) && !BinaryPrimitives.TryWriteUInt64LittleEndian(buffer.Slice(0, sizeof(ulong) - 1), value);
        bool tryRead = BinaryPrimitives.TryReadUInt64LittleEndian(buffer, out ulong read) && read == value &&
                       !BinaryPrimitives.TryReadUInt64LittleEndian(buffer.Slice(0, sizeof(ulong) - 1), out ulong none) && none == 0;
        return plain && tryWrite && tryRead;
    }
}
