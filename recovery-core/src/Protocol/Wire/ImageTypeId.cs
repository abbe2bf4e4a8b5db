using System;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The 16 bytes of a platform/image type GUID exactly as they appear in the capsule's FMP
/// ImageTypeId field (EFI byte order), carried opaquely so a byte comparison with the capsule decides
/// compatibility (docs/protocol.md §4.1). Held as a <see cref="Hash128"/> (two words, no array); this type
/// only keeps an image type apart from a hash.
/// </summary>
public readonly struct ImageTypeId
{
    public const int Length = Hash128.Length;

    private readonly Hash128 _bytes;

    private ImageTypeId(Hash128 bytes)
    {
        _bytes = bytes;
    }

    /// <summary>Reads the first 16 bytes of <paramref name="bytes"/>; false if fewer are given.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out ImageTypeId id)
    {
        if (bytes.Length < Length)
        {
            id = default;
            return false;
        }
        id = new ImageTypeId(Hash128.Read(bytes));
        return true;
    }

    /// <summary>Writes the 16 bytes; false if <paramref name="destination"/> is shorter.</summary>
    public bool TryWrite(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return false;
        }
        _bytes.Write(destination);
        return true;
    }

    public bool Matches(in ImageTypeId other)
    {
        return _bytes.Equals(other._bytes);
    }

    public bool IsZero => _bytes.IsZero;

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
