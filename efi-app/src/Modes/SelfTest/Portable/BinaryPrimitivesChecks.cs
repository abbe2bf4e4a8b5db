using System.Buffers.Binary;

namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class BinaryPrimitivesChecks
{
    private static ReadOnlySpan<byte> Bytes => new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };

    public static void Run(ISelfTestSink sink)
    {
        ReadOnlySpan<byte> b = Bytes;
        sink.Check("binary.read-big-endian",
            BinaryPrimitives.ReadUInt16BigEndian(b) == 0x0102 &&
            BinaryPrimitives.ReadUInt32BigEndian(b) == 0x01020304 &&
            BinaryPrimitives.ReadUInt64BigEndian(b) == 0x0102030405060788UL &&
            BinaryPrimitives.ReadInt16BigEndian(b.Slice(6)) == 0x0788 &&
            BinaryPrimitives.ReadInt32BigEndian(b.Slice(4)) == 0x05060788 &&
            BinaryPrimitives.ReadInt64BigEndian(b) == 0x0102030405060788L);

        sink.Check("binary.read-little-endian",
            BinaryPrimitives.ReadUInt16LittleEndian(b) == 0x0201 &&
            BinaryPrimitives.ReadUInt32LittleEndian(b) == 0x04030201 &&
            BinaryPrimitives.ReadUInt64LittleEndian(b) == 0x8807060504030201UL &&
            BinaryPrimitives.ReadInt16LittleEndian(b.Slice(6)) == unchecked((short)0x8807) &&
            BinaryPrimitives.ReadInt32LittleEndian(b.Slice(4)) == unchecked((int)0x88070605) &&
            BinaryPrimitives.ReadInt64LittleEndian(b) == unchecked((long)0x8807060504030201UL));

        Span<byte> out8 = stackalloc byte[8];
        out8.Fill(0xA5);
        BinaryPrimitives.WriteUInt32BigEndian(out8, 0xDEADBEEF);
        BinaryPrimitives.WriteUInt16LittleEndian(out8.Slice(4), 0x1234);
        sink.Check("binary.write",
            out8[0] == 0xDE && out8[3] == 0xEF && out8[4] == 0x34 && out8[5] == 0x12 && out8[6] == 0xA5);

        BinaryPrimitives.WriteInt64BigEndian(out8, -2);
        bool int64Ok = out8[0] == 0xFF && out8[7] == 0xFE;
        BinaryPrimitives.WriteUInt64LittleEndian(out8, 0x0102030405060708UL);
        sink.Check("binary.write-64", int64Ok && out8[0] == 0x08 && out8[7] == 0x01);

        bool shortRead = !BinaryPrimitives.TryReadUInt32BigEndian(b.Slice(5), out uint notRead) && notRead == 0;
        bool okRead = BinaryPrimitives.TryReadUInt16LittleEndian(b.Slice(6), out ushort read) && read == 0x8807;
        sink.Check("binary.try-read", shortRead && okRead);

        out8.Fill(0xA5);
        bool shortWrite = !BinaryPrimitives.TryWriteUInt64BigEndian(out8.Slice(1), 1) && out8[1] == 0xA5;
        bool okWrite = BinaryPrimitives.TryWriteInt16BigEndian(out8.Slice(6), -1) && out8[6] == 0xFF && out8[7] == 0xFF;
        sink.Check("binary.try-write", shortWrite && okWrite);

        sink.Check("binary.reverse-endianness",
            BinaryPrimitives.ReverseEndianness((ushort)0x1234) == 0x3412 &&
            BinaryPrimitives.ReverseEndianness(0x12345678u) == 0x78563412u &&
            BinaryPrimitives.ReverseEndianness(0x0102030405060708UL) == 0x0807060504030201UL);
    }
}
