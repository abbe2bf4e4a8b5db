using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime;

namespace System.Buffers.Binary;

/// <summary>
/// Endian-explicit reads and writes with .NET's signatures. Read/Write need a long enough span (else
/// fail-fast, where .NET throws ArgumentOutOfRangeException); the Try forms return false instead and
/// leave the value 0 / the destination untouched.
/// </summary>
public static class BinaryPrimitives
{
    public static sbyte ReverseEndianness(sbyte value) => value;
    public static byte ReverseEndianness(byte value) => value;
    public static short ReverseEndianness(short value) => (short)ReverseEndianness((ushort)value);
    public static ushort ReverseEndianness(ushort value) => (ushort)((value >> 8) | (value << 8));
    public static int ReverseEndianness(int value) => (int)ReverseEndianness((uint)value);
    public static uint ReverseEndianness(uint value)
        => (value >> 24) | ((value >> 8) & 0x0000_FF00u) | ((value << 8) & 0x00FF_0000u) | (value << 24);
    public static long ReverseEndianness(long value) => (long)ReverseEndianness((ulong)value);
    public static ulong ReverseEndianness(ulong value)
        => ((ulong)ReverseEndianness((uint)value) << 32) | ReverseEndianness((uint)(value >> 32));

    public static short ReadInt16BigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(short))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ReverseEndianness(Unsafe.ReadUnaligned<short>(ref MemoryMarshal.GetReference(source)));
    }

    public static bool TryReadInt16BigEndian(ReadOnlySpan<byte> source, out short value)
    {
        if (source.Length < sizeof(short))
        {
            value = 0;
            return false;
        }
        value = ReverseEndianness(Unsafe.ReadUnaligned<short>(ref MemoryMarshal.GetReference(source)));
        return true;
    }

    public static void WriteInt16BigEndian(Span<byte> destination, short value)
    {
        if (destination.Length < sizeof(short))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
    }

    public static bool TryWriteInt16BigEndian(Span<byte> destination, short value)
    {
        if (destination.Length < sizeof(short))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
        return true;
    }

    public static short ReadInt16LittleEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(short))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<short>(ref MemoryMarshal.GetReference(source));
    }

    public static bool TryReadInt16LittleEndian(ReadOnlySpan<byte> source, out short value)
    {
        if (source.Length < sizeof(short))
        {
            value = 0;
            return false;
        }
        value = Unsafe.ReadUnaligned<short>(ref MemoryMarshal.GetReference(source));
        return true;
    }

    public static void WriteInt16LittleEndian(Span<byte> destination, short value)
    {
        if (destination.Length < sizeof(short))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
    }

    public static bool TryWriteInt16LittleEndian(Span<byte> destination, short value)
    {
        if (destination.Length < sizeof(short))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        return true;
    }

    public static ushort ReadUInt16BigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(ushort))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref MemoryMarshal.GetReference(source)));
    }

    public static bool TryReadUInt16BigEndian(ReadOnlySpan<byte> source, out ushort value)
    {
        if (source.Length < sizeof(ushort))
        {
            value = 0;
            return false;
        }
        value = ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref MemoryMarshal.GetReference(source)));
        return true;
    }

    public static void WriteUInt16BigEndian(Span<byte> destination, ushort value)
    {
        if (destination.Length < sizeof(ushort))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
    }

    public static bool TryWriteUInt16BigEndian(Span<byte> destination, ushort value)
    {
        if (destination.Length < sizeof(ushort))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
        return true;
    }

    public static ushort ReadUInt16LittleEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(ushort))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<ushort>(ref MemoryMarshal.GetReference(source));
    }

    public static bool TryReadUInt16LittleEndian(ReadOnlySpan<byte> source, out ushort value)
    {
        if (source.Length < sizeof(ushort))
        {
            value = 0;
            return false;
        }
        value = Unsafe.ReadUnaligned<ushort>(ref MemoryMarshal.GetReference(source));
        return true;
    }

    public static void WriteUInt16LittleEndian(Span<byte> destination, ushort value)
    {
        if (destination.Length < sizeof(ushort))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
    }

    public static bool TryWriteUInt16LittleEndian(Span<byte> destination, ushort value)
    {
        if (destination.Length < sizeof(ushort))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        return true;
    }

    public static int ReadInt32BigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(int))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ReverseEndianness(Unsafe.ReadUnaligned<int>(ref MemoryMarshal.GetReference(source)));
    }

    public static bool TryReadInt32BigEndian(ReadOnlySpan<byte> source, out int value)
    {
        if (source.Length < sizeof(int))
        {
            value = 0;
            return false;
        }
        value = ReverseEndianness(Unsafe.ReadUnaligned<int>(ref MemoryMarshal.GetReference(source)));
        return true;
    }

    public static void WriteInt32BigEndian(Span<byte> destination, int value)
    {
        if (destination.Length < sizeof(int))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
    }

    public static bool TryWriteInt32BigEndian(Span<byte> destination, int value)
    {
        if (destination.Length < sizeof(int))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
        return true;
    }

    public static int ReadInt32LittleEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(int))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<int>(ref MemoryMarshal.GetReference(source));
    }

    public static bool TryReadInt32LittleEndian(ReadOnlySpan<byte> source, out int value)
    {
        if (source.Length < sizeof(int))
        {
            value = 0;
            return false;
        }
        value = Unsafe.ReadUnaligned<int>(ref MemoryMarshal.GetReference(source));
        return true;
    }

    public static void WriteInt32LittleEndian(Span<byte> destination, int value)
    {
        if (destination.Length < sizeof(int))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
    }

    public static bool TryWriteInt32LittleEndian(Span<byte> destination, int value)
    {
        if (destination.Length < sizeof(int))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        return true;
    }

    public static uint ReadUInt32BigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(uint))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref MemoryMarshal.GetReference(source)));
    }

    public static bool TryReadUInt32BigEndian(ReadOnlySpan<byte> source, out uint value)
    {
        if (source.Length < sizeof(uint))
        {
            value = 0;
            return false;
        }
        value = ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref MemoryMarshal.GetReference(source)));
        return true;
    }

    public static void WriteUInt32BigEndian(Span<byte> destination, uint value)
    {
        if (destination.Length < sizeof(uint))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
    }

    public static bool TryWriteUInt32BigEndian(Span<byte> destination, uint value)
    {
        if (destination.Length < sizeof(uint))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
        return true;
    }

    public static uint ReadUInt32LittleEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(uint))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<uint>(ref MemoryMarshal.GetReference(source));
    }

    public static bool TryReadUInt32LittleEndian(ReadOnlySpan<byte> source, out uint value)
    {
        if (source.Length < sizeof(uint))
        {
            value = 0;
            return false;
        }
        value = Unsafe.ReadUnaligned<uint>(ref MemoryMarshal.GetReference(source));
        return true;
    }

    public static void WriteUInt32LittleEndian(Span<byte> destination, uint value)
    {
        if (destination.Length < sizeof(uint))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
    }

    public static bool TryWriteUInt32LittleEndian(Span<byte> destination, uint value)
    {
        if (destination.Length < sizeof(uint))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        return true;
    }

    public static long ReadInt64BigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(long))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ReverseEndianness(Unsafe.ReadUnaligned<long>(ref MemoryMarshal.GetReference(source)));
    }

    public static bool TryReadInt64BigEndian(ReadOnlySpan<byte> source, out long value)
    {
        if (source.Length < sizeof(long))
        {
            value = 0;
            return false;
        }
        value = ReverseEndianness(Unsafe.ReadUnaligned<long>(ref MemoryMarshal.GetReference(source)));
        return true;
    }

    public static void WriteInt64BigEndian(Span<byte> destination, long value)
    {
        if (destination.Length < sizeof(long))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
    }

    public static bool TryWriteInt64BigEndian(Span<byte> destination, long value)
    {
        if (destination.Length < sizeof(long))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
        return true;
    }

    public static long ReadInt64LittleEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(long))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<long>(ref MemoryMarshal.GetReference(source));
    }

    public static bool TryReadInt64LittleEndian(ReadOnlySpan<byte> source, out long value)
    {
        if (source.Length < sizeof(long))
        {
            value = 0;
            return false;
        }
        value = Unsafe.ReadUnaligned<long>(ref MemoryMarshal.GetReference(source));
        return true;
    }

    public static void WriteInt64LittleEndian(Span<byte> destination, long value)
    {
        if (destination.Length < sizeof(long))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
    }

    public static bool TryWriteInt64LittleEndian(Span<byte> destination, long value)
    {
        if (destination.Length < sizeof(long))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        return true;
    }

    public static ulong ReadUInt64BigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(ulong))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref MemoryMarshal.GetReference(source)));
    }

    public static bool TryReadUInt64BigEndian(ReadOnlySpan<byte> source, out ulong value)
    {
        if (source.Length < sizeof(ulong))
        {
            value = 0;
            return false;
        }
        value = ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref MemoryMarshal.GetReference(source)));
        return true;
    }

    public static void WriteUInt64BigEndian(Span<byte> destination, ulong value)
    {
        if (destination.Length < sizeof(ulong))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
    }

    public static bool TryWriteUInt64BigEndian(Span<byte> destination, ulong value)
    {
        if (destination.Length < sizeof(ulong))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), ReverseEndianness(value));
        return true;
    }

    public static ulong ReadUInt64LittleEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < sizeof(ulong))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<ulong>(ref MemoryMarshal.GetReference(source));
    }

    public static bool TryReadUInt64LittleEndian(ReadOnlySpan<byte> source, out ulong value)
    {
        if (source.Length < sizeof(ulong))
        {
            value = 0;
            return false;
        }
        value = Unsafe.ReadUnaligned<ulong>(ref MemoryMarshal.GetReference(source));
        return true;
    }

    public static void WriteUInt64LittleEndian(Span<byte> destination, ulong value)
    {
        if (destination.Length < sizeof(ulong))
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
    }

    public static bool TryWriteUInt64LittleEndian(Span<byte> destination, ulong value)
    {
        if (destination.Length < sizeof(ulong))
            return false;
        Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(destination), value);
        return true;
    }
}
