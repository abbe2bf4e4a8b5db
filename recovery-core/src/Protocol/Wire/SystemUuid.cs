using System;
using System.Buffers.Binary;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The SMBIOS system UUID (type 1) that names a machine in RECOVERY_INSTRUCTION, READINESS and AGENT_REPORT
/// (docs/protocol.md §4.11). On the wire: the 16 bytes in the order of its text form
/// (<c>4c4c4544-0042-...</c> → <c>4c 4c 45 44 00 42 ...</c>), as Linux prints it in
/// /sys/class/dmi/id/product_uuid. SMBIOS 2.6+ stores the first three fields little-endian: whoever reads the
/// raw table swaps them first.
/// </summary>
public readonly struct SystemUuid
{
    public const int Length = 16;

    public SystemUuid(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    /// <summary>Bytes 0..7 of the text order, big-endian.</summary>
    public ulong High { get; }

    /// <summary>Bytes 8..15 of the text order, big-endian.</summary>
    public ulong Low { get; }

    /// <summary>All zeros (SMBIOS: "not present") or all ones ("not set"): names no machine.</summary>
    public bool IsUnset => (High == 0 && Low == 0) || (High == ulong.MaxValue && Low == ulong.MaxValue);

    public static SystemUuid Read(ReadOnlySpan<byte> source)
    {
        return new SystemUuid(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source.Slice(8)));
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), Low);
    }

    public bool Equals(SystemUuid other)
    {
        return High == other.High && Low == other.Low;
    }
}
