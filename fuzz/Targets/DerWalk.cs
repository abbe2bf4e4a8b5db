using System;
using UefiRecovery.Core.Asn1;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// Reads arbitrary bytes as a tree of DER elements with every <see cref="DerReader"/> primitive: each
/// element is offered to every typed reader (on a copy of the reader), then skipped; constructed ones are
/// entered, up to <see cref="MaxDepth"/> levels.
/// </summary>
public static class DerWalk
{
    public const int MaxDepth = 24;

    public static void Walk(ReadOnlySpan<byte> der)
    {
        var reader = new DerReader(der);
        Walk(ref reader, 0);
    }

    private static void Walk(ref DerReader reader, int depth)
    {
        while (reader.HasData)
        {
            if (!reader.TryPeekTag(out byte tag))
            {
                InvariantViolation.Check(reader.Error != DerStatus.Ok, "failed peek without an error");
                return;
            }
            if ((tag & DerTag.ConstructedBit) != 0 && depth < MaxDepth)
            {
                DerReader probe = reader;
                if (probe.TryReadConstructed(tag, out DerReader child))
                {
                    Walk(ref child, depth + 1);
                }
            }
            else
            {
                TryEveryPrimitive(reader);
            }
            int before = reader.Remaining;
            if (!reader.TryReadEncodedValue(out ReadOnlySpan<byte> encoded))
            {
                return;
            }
            InvariantViolation.Check(encoded.Length > 0 && reader.Remaining == before - encoded.Length, "element length and advance disagree");
        }
        reader.TryReadEnd();
    }

    // Each call works on its own copy: a typed reader that fails must leave the position where it was.
    private static void TryEveryPrimitive(DerReader reader)
    {
        DerReader r = reader; r.TryReadInteger(out _);
        r = reader; r.TryReadUnsignedInteger(out _);
        r = reader; r.TryReadInt32(out _);
        r = reader; r.TryReadObjectIdentifier(out _);
        r = reader; r.TryReadOctetString(out _);
        r = reader; r.TryReadBitString(out _, out _);
        r = reader; r.TryReadOctetAlignedBitString(out _);
        r = reader; r.TryReadBoolean(out _);
        r = reader; r.TryReadNull();
        r = reader; r.TrySkipTime();
        r = reader;
        int before = r.Remaining;
        if (!r.TryReadInteger(out _))
        {
            InvariantViolation.Check(r.Remaining == before, "a failed read moved the reader");
        }
    }
}
