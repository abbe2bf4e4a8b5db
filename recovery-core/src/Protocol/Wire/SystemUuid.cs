using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The SMBIOS system UUID (type 1) that names a machine in RECOVERY_INSTRUCTION, READINESS and AGENT_REPORT
/// (docs/protocol.md §4.11). On the wire: the 16 bytes in the order of its text form
/// (<c>4c4c4544-0042-...</c> → <c>4c 4c 45 44 00 42 ...</c>), as Linux prints it in
/// /sys/class/dmi/id/product_uuid. SMBIOS 2.6+ stores the first three fields little-endian: whoever reads the
/// raw table swaps them first. The bytes are held, read and written as a <see cref="Hash128"/>; this type
/// only keeps a machine's name apart from a hash.
/// </summary>
public readonly struct SystemUuid
{
    public const int Length = Hash128.Length;

    private readonly Hash128 _bytes;

    public SystemUuid(ulong high, ulong low)
    {
        _bytes = new Hash128(high, low);
    }

    private SystemUuid(Hash128 bytes)
    {
        _bytes = bytes;
    }

    /// <summary>Bytes 0..7 of the text order, big-endian.</summary>
    public ulong High => _bytes.High;

    /// <summary>Bytes 8..15 of the text order, big-endian.</summary>
    public ulong Low => _bytes.Low;

    /// <summary>All zeros (SMBIOS: "not present") or all ones ("not set"): names no machine.</summary>
    public bool IsUnset => _bytes.IsZero || (High == ulong.MaxValue && Low == ulong.MaxValue);

    public static SystemUuid Read(ReadOnlySpan<byte> source)
    {
        return new SystemUuid(Hash128.Read(source));
    }

    public void Write(Span<byte> destination)
    {
        _bytes.Write(destination);
    }

    public bool Equals(SystemUuid other)
    {
        return _bytes.Equals(other._bytes);
    }
}
