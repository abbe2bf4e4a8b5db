using System;

namespace UefiRecovery.Core.Asn1;

/// <summary>
/// Forward-only reader over a DER encoding (X.690 clause 10), in the spirit of System.Formats.Asn1's
/// AsnReader but without allocation or exceptions. Each Try method either reads one element and
/// advances, or leaves the position unchanged, records why in <see cref="Error"/> and returns false.
/// Nested SEQUENCE/SET/[n] contents are read with a child reader limited to that content, so a
/// child can never read past its parent's length.
/// </summary>
public ref struct DerReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;
    private DerStatus _error;

    public DerReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
        _error = DerStatus.Ok;
    }

    /// <summary>Why the last failed Try method failed (Ok when none has failed).</summary>
    public readonly DerStatus Error => _error;

    public readonly bool HasData => _position < _data.Length;

    public readonly int Remaining => _data.Length - _position;

    private readonly ReadOnlySpan<byte> Rest => _data.Slice(_position);

    private bool Fail(DerStatus status)
    {
        _error = status;
        return false;
    }

    /// <summary>The identifier octet of the next element, without reading it.</summary>
    public bool TryPeekTag(out byte tag)
    {
        DerStatus status = DerDecoder.ReadEncodedValue(Rest, out tag, out _, out _, out _);
        return status == DerStatus.Ok || Fail(status);
    }

    /// <summary>True when another element follows and its identifier octet is <paramref name="tag"/>.</summary>
    public readonly bool NextTagIs(byte tag) => _position < _data.Length && _data[_position] == tag;

    /// <summary>Reads the next element, whatever its tag, and returns all of its octets (tag, length, content).</summary>
    public bool TryReadEncodedValue(out ReadOnlySpan<byte> encoded)
    {
        encoded = default;
        DerStatus status = DerDecoder.ReadEncodedValue(Rest, out _, out _, out _, out int consumed);
        if (status != DerStatus.Ok)
        {
            return Fail(status);
        }
        encoded = Rest.Slice(0, consumed);
        _position += consumed;
        return true;
    }

    /// <summary>Reads an element with tag <paramref name="expectedTag"/> and returns all of its octets.</summary>
    public bool TryReadEncodedValue(byte expectedTag, out ReadOnlySpan<byte> encoded)
    {
        encoded = default;
        DerStatus status = DerDecoder.ReadEncodedValue(Rest, out byte tag, out _, out _, out int consumed);
        if (status != DerStatus.Ok)
        {
            return Fail(status);
        }
        if (tag != expectedTag)
        {
            return Fail(DerStatus.UnexpectedTag);
        }
        encoded = Rest.Slice(0, consumed);
        _position += consumed;
        return true;
    }

    /// <summary>Reads an element with tag <paramref name="expectedTag"/> and returns its content octets.</summary>
    public bool TryReadContent(byte expectedTag, out ReadOnlySpan<byte> content)
    {
        DerStatus status = DerDecoder.ReadContent(Rest, expectedTag, out content, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>
    /// Reads a constructed element with tag <paramref name="expectedTag"/> (SEQUENCE 0x30, SET 0x31,
    /// or [n] 0xA0|n) and returns a reader over its content.
    /// </summary>
    public bool TryReadConstructed(byte expectedTag, out DerReader content)
    {
        content = default;
        if ((expectedTag & DerTag.ConstructedBit) == 0)
        {
            return Fail(DerStatus.UnexpectedTag);
        }
        DerStatus status = DerDecoder.ReadContent(Rest, expectedTag, out ReadOnlySpan<byte> inner, out int consumed);
        if (status != DerStatus.Ok)
        {
            return Fail(status);
        }
        content = new DerReader(inner);
        _position += consumed;
        return true;
    }

    public bool TryReadSequence(out DerReader content) => TryReadConstructed(DerTag.Sequence, out content);

    public bool TryReadSet(out DerReader content) => TryReadConstructed(DerTag.Set, out content);

    /// <summary>Reads an INTEGER and returns its two's-complement content octets (validated minimal).</summary>
    public bool TryReadInteger(out ReadOnlySpan<byte> value)
    {
        DerStatus status = DerDecoder.ReadInteger(Rest, DerTag.Integer, out value, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>Reads a non-negative INTEGER and returns its magnitude without the DER sign octet.</summary>
    public bool TryReadUnsignedInteger(out ReadOnlySpan<byte> magnitude)
    {
        DerStatus status = DerDecoder.ReadUnsignedInteger(Rest, out magnitude, out int consumed);
        return Advance(status, consumed);
    }

    public bool TryReadInt32(out int value)
    {
        DerStatus status = DerDecoder.ReadInt32(Rest, out value, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>Reads an OBJECT IDENTIFIER and returns its content octets.</summary>
    public bool TryReadObjectIdentifier(out ReadOnlySpan<byte> oid)
    {
        DerStatus status = DerDecoder.ReadObjectIdentifier(Rest, out oid, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>Reads an OBJECT IDENTIFIER and checks it equals <paramref name="expected"/> (content octets).</summary>
    public bool TryReadObjectIdentifier(ReadOnlySpan<byte> expected)
    {
        DerStatus status = DerDecoder.ReadObjectIdentifier(Rest, out ReadOnlySpan<byte> oid, out int consumed);
        if (status != DerStatus.Ok)
        {
            return Fail(status);
        }
        if (!oid.SequenceEqual(expected))
        {
            return Fail(DerStatus.UnexpectedValue);
        }
        _position += consumed;
        return true;
    }

    public bool TryReadOctetString(out ReadOnlySpan<byte> value)
    {
        DerStatus status = DerDecoder.ReadOctetString(Rest, out value, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>Reads a BIT STRING, returning the unused-bit count and the octets after the count octet.</summary>
    public bool TryReadBitString(out int unusedBits, out ReadOnlySpan<byte> value)
    {
        DerStatus status = DerDecoder.ReadBitString(Rest, out unusedBits, out value, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>Reads a BIT STRING that must be whole octets (unused bits 0): keys and signatures.</summary>
    public bool TryReadOctetAlignedBitString(out ReadOnlySpan<byte> value)
    {
        DerStatus status = DerDecoder.ReadBitString(Rest, out int unusedBits, out value, out int consumed);
        if (status == DerStatus.Ok && unusedBits != 0)
        {
            value = default;
            return Fail(DerStatus.BitStringNotOctetAligned);
        }
        return Advance(status, consumed);
    }

    public bool TryReadBoolean(out bool value)
    {
        DerStatus status = DerDecoder.ReadBoolean(Rest, out value, out int consumed);
        return Advance(status, consumed);
    }

    public bool TryReadNull()
    {
        DerStatus status = DerDecoder.ReadNull(Rest, out int consumed);
        return Advance(status, consumed);
    }

    /// <summary>
    /// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters NULL or absent } (RFC 5754 2, RFC 4055 5:
    /// both forms must be accepted). False when the SEQUENCE or the OID is malformed. Otherwise
    /// <paramref name="parametersValid"/> says whether at most one NULL follows the OID; the caller checks the
    /// OID before it, so an unsupported algorithm is reported as unsupported whatever its parameters.
    /// </summary>
    public bool TryReadAlgorithmIdentifier(out ReadOnlySpan<byte> oid, out bool parametersValid)
    {
        oid = default;
        parametersValid = false;
        if (!TryReadSequence(out DerReader algorithm) || !algorithm.TryReadObjectIdentifier(out oid))
        {
            return false;
        }
        parametersValid = (!algorithm.HasData || algorithm.TryReadNull()) && algorithm.TryReadEnd();
        return true;
    }

    /// <summary>
    /// Skips a UTCTime or GeneralizedTime. Their content is not interpreted: the verifier does not
    /// check validity periods (no trusted clock before the network is up, and EDK2 does not either).
    /// </summary>
    public bool TrySkipTime()
    {
        if (NextTagIs(DerTag.UtcTime))
        {
            return TryReadContent(DerTag.UtcTime, out _);
        }
        if (NextTagIs(DerTag.GeneralizedTime))
        {
            return TryReadContent(DerTag.GeneralizedTime, out _);
        }
        DerStatus status = DerDecoder.ReadEncodedValue(Rest, out _, out _, out _, out _);
        return Fail(status == DerStatus.Ok ? DerStatus.UnexpectedTag : status);
    }

    /// <summary>Succeeds only when every byte has been read: nothing may follow the last element.</summary>
    public bool TryReadEnd()
    {
        return !HasData || Fail(DerStatus.TrailingData);
    }

    private bool Advance(DerStatus status, int consumed)
    {
        if (status != DerStatus.Ok)
        {
            return Fail(status);
        }
        _position += consumed;
        return true;
    }
}
