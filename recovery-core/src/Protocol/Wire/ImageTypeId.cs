using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The 16 bytes of a platform/image type GUID exactly as they appear in the capsule's FMP
/// ImageTypeId field (EFI byte order), carried opaquely so a byte comparison with the capsule decides
/// compatibility (docs/protocol.md §4.1). Held as two words so the struct needs no array.
/// </summary>
public readonly struct ImageTypeId
{
    public const int Length = 16;

    private readonly ulong _first;
    private readonly ulong _second;

    private ImageTypeId(ulong first, ulong second)
    {
        _first = first;
        _second = second;
    }

    /// <summary>Reads the first 16 bytes of <paramref name="bytes"/>; false if fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out ImageTypeId id)
    {
        if (bytes.Length < Length)
        {
            id = default;
            return false;
        }
        id = new ImageTypeId(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(8)));
        return true;
    }

    /// <summary>Writes the 16 bytes; false if <paramref name="destination"/> is shorter.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }
        BinaryPrimitives.WriteUInt64BigEndian(destination, _first);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), _second);
        return true;
    }

    public bool Matches(in ImageTypeId other)
    {
        return _first == other._first && _second == other._second;
    }

    public bool IsZero => _first == 0 && _second == 0;

    /// <summary>The same 16 bytes as an <see cref="EfiGuid"/> (binary EFI form).</summary>
    public static ImageTypeId FromGuid(in EfiGuid guid)
    {
        Span<byte> bytes = stackalloc byte[Length];
        guid.TryWrite(bytes);
        TryRead(bytes, out ImageTypeId id);
        return id;
    }

    /// <summary>These 16 bytes read as an <see cref="EfiGuid"/>.</summary>
    public EfiGuid ToGuid()
    {
        Span<byte> bytes = stackalloc byte[Length];
        TryWrite(bytes);
        EfiGuid.TryRead(bytes, out EfiGuid guid);
        return guid;
    }
}
