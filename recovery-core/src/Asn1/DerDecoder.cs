using System;

namespace UefiRecovery.Core.Asn1;

/// <summary>
/// Stateless DER decoding primitives (ITU-T X.690 (02/2021), clauses 8 and 10), modelled on
/// System.Formats.Asn1's AsnDecoder: every method returns a <see cref="DerStatus"/>, and
/// <c>bytesConsumed</c> is 0 whenever the status is not <see cref="DerStatus.Ok"/>.
/// Only what X.509 and CMS need is supported: low tag numbers and definite lengths below 2^31.
/// </summary>
public static class DerDecoder
{
    /// <summary>Long-form lengths longer than this cannot be a non-negative int.</summary>
    private const int MaxLengthOctets = 4;

    /// <summary>
    /// Decodes one element's identifier and length octets and checks that its content fits in
    /// <paramref name="source"/>. The element is source[0 .. bytesConsumed).
    /// </summary>
    public static DerStatus ReadEncodedValue(
        ReadOnlySpan<byte> source, out byte tag, out int headerLength, out int contentLength, out int bytesConsumed)
    {
        tag = 0;
        headerLength = 0;
        contentLength = 0;
        bytesConsumed = 0;

        if (source.Length < 2)
        {
            return DerStatus.Truncated;
        }

        byte identifier = source[0];
        if ((identifier & DerTag.HighTagNumberMarker) == DerTag.HighTagNumberMarker)
        {
            return DerStatus.HighTagNumberUnsupported;
        }
        if (identifier == 0)
        {
            return DerStatus.EndOfContentsTag;
        }

        byte first = source[1];
        int length;
        int header;
        if (first < 0x80)
        {
            // Short form (X.690 8.1.3.4).
            length = first;
            header = 2;
        }
        else if (first == 0x80)
        {
            return DerStatus.IndefiniteLength;
        }
        else
        {
            // Long form (X.690 8.1.3.5): 0x81..0xFE give the count of length octets; 0xFF is reserved.
            int count = first & 0x7F;
            if (count > MaxLengthOctets)
            {
                return DerStatus.LengthTooLarge;
            }
            if (count > source.Length - 2)
            {
                return DerStatus.Truncated;
            }
            if (source[2] == 0)
            {
                return DerStatus.NonMinimalLength; // a leading zero octet is never minimal
            }
            if (count == MaxLengthOctets && source[2] >= 0x80)
            {
                return DerStatus.LengthTooLarge;
            }
            length = 0;
            for (int i = 0; i < count; i++)
            {
                length = (length << 8) | source[2 + i];
            }
            if (length < 0x80)
            {
                return DerStatus.NonMinimalLength; // DER: lengths below 128 must use the short form
            }
            header = 2 + count;
        }

        if (length > source.Length - header)
        {
            return DerStatus.Truncated;
        }

        tag = identifier;
        headerLength = header;
        contentLength = length;
        bytesConsumed = header + length;
        return DerStatus.Ok;
    }

    /// <summary>
    /// Reads an element with tag <paramref name="expectedTag"/> and returns its content octets.
    /// </summary>
    public static DerStatus ReadContent(
        ReadOnlySpan<byte> source, byte expectedTag, out ReadOnlySpan<byte> content, out int bytesConsumed)
    {
        content = default;
        DerStatus status = ReadEncodedValue(source, out byte tag, out int header, out int length, out int consumed);
        if (status != DerStatus.Ok)
        {
            bytesConsumed = 0;
            return status;
        }
        if (tag != expectedTag)
        {
            bytesConsumed = 0;
            return DerStatus.UnexpectedTag;
        }
        content = source.Slice(header, length);
        bytesConsumed = consumed;
        return DerStatus.Ok;
    }

    /// <summary>
    /// Checks INTEGER content octets (X.690 8.3.2): at least one octet, and the first nine bits
    /// are neither all zero nor all one.
    /// </summary>
    public static DerStatus ValidateIntegerContent(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty)
        {
            return DerStatus.InvalidInteger;
        }
        if (content.Length > 1)
        {
            if (content[0] == 0x00 && (content[1] & 0x80) == 0)
            {
                return DerStatus.InvalidInteger;
            }
            if (content[0] == 0xFF && (content[1] & 0x80) != 0)
            {
                return DerStatus.InvalidInteger;
            }
        }
        return DerStatus.Ok;
    }

    /// <summary>
    /// Reads an INTEGER (tag <paramref name="expectedTag"/>, normally <see cref="DerTag.Integer"/>)
    /// and returns its two's-complement big-endian content octets.
    /// </summary>
    public static DerStatus ReadInteger(
        ReadOnlySpan<byte> source, byte expectedTag, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        DerStatus status = ReadContent(source, expectedTag, out value, out bytesConsumed);
        if (status == DerStatus.Ok)
        {
            status = ValidateIntegerContent(value);
        }
        if (status != DerStatus.Ok)
        {
            value = default;
            bytesConsumed = 0;
        }
        return status;
    }

    /// <summary>
    /// Reads a non-negative INTEGER and returns its magnitude big-endian, without the 0x00 octet
    /// that DER puts in front of a value whose top bit is set (so 128 gives { 0x80 }, 0 gives { 0x00 }).
    /// </summary>
    public static DerStatus ReadUnsignedInteger(
        ReadOnlySpan<byte> source, out ReadOnlySpan<byte> magnitude, out int bytesConsumed)
    {
        DerStatus status = ReadInteger(source, DerTag.Integer, out ReadOnlySpan<byte> value, out int consumed);
        magnitude = default;
        bytesConsumed = 0;
        if (status != DerStatus.Ok)
        {
            return status;
        }
        if ((value[0] & 0x80) != 0)
        {
            return DerStatus.IntegerOutOfRange; // negative
        }
        magnitude = value.Length > 1 && value[0] == 0 ? value.Slice(1) : value;
        bytesConsumed = consumed;
        return DerStatus.Ok;
    }

    /// <summary>Reads an INTEGER that must fit in a (signed) int.</summary>
    public static DerStatus ReadInt32(ReadOnlySpan<byte> source, out int value, out int bytesConsumed)
    {
        value = 0;
        DerStatus status = ReadInteger(source, DerTag.Integer, out ReadOnlySpan<byte> content, out int consumed);
        bytesConsumed = 0;
        if (status != DerStatus.Ok)
        {
            return status;
        }
        if (content.Length > 4)
        {
            return DerStatus.IntegerOutOfRange; // minimal encoding, so more octets means a larger magnitude
        }
        int result = (content[0] & 0x80) != 0 ? -1 : 0; // sign-extend
        for (int i = 0; i < content.Length; i++)
        {
            result = (result << 8) | content[i];
        }
        value = result;
        bytesConsumed = consumed;
        return DerStatus.Ok;
    }

    /// <summary>
    /// Reads an OBJECT IDENTIFIER and returns its content octets, for comparison against constant
    /// encodings. Checks X.690 8.19.2: each subidentifier is minimal (no leading 0x80) and the
    /// last octet ends a subidentifier (bit 8 clear).
    /// </summary>
    public static DerStatus ReadObjectIdentifier(
        ReadOnlySpan<byte> source, out ReadOnlySpan<byte> oid, out int bytesConsumed)
    {
        DerStatus status = ReadContent(source, DerTag.ObjectIdentifier, out oid, out bytesConsumed);
        if (status == DerStatus.Ok && !IsValidObjectIdentifier(oid))
        {
            status = DerStatus.InvalidObjectIdentifier;
        }
        if (status != DerStatus.Ok)
        {
            oid = default;
            bytesConsumed = 0;
        }
        return status;
    }

    private static bool IsValidObjectIdentifier(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty || (content[content.Length - 1] & 0x80) != 0)
        {
            return false;
        }
        bool atSubidentifierStart = true;
        for (int i = 0; i < content.Length; i++)
        {
            if (atSubidentifierStart && content[i] == 0x80)
            {
                return false;
            }
            atSubidentifierStart = (content[i] & 0x80) == 0;
        }
        return true;
    }

    /// <summary>Reads a primitive OCTET STRING (DER forbids the constructed form, X.690 10.2).</summary>
    public static DerStatus ReadOctetString(
        ReadOnlySpan<byte> source, out ReadOnlySpan<byte> value, out int bytesConsumed)
        => ReadContent(source, DerTag.OctetString, out value, out bytesConsumed);

    /// <summary>
    /// Reads a primitive BIT STRING (X.690 8.6.2, 11.2): first content octet is the unused-bit count
    /// 0..7, an empty string has 0 unused bits, and the unused bits of the last octet are zero.
    /// <paramref name="value"/> is the content after the unused-bits octet.
    /// </summary>
    public static DerStatus ReadBitString(
        ReadOnlySpan<byte> source, out int unusedBits, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        unusedBits = 0;
        DerStatus status = ReadContent(source, DerTag.BitString, out ReadOnlySpan<byte> content, out int consumed);
        value = default;
        bytesConsumed = 0;
        if (status != DerStatus.Ok)
        {
            return status;
        }
        if (content.IsEmpty)
        {
            return DerStatus.InvalidBitString;
        }
        int unused = content[0];
        if (unused > 7 || (unused != 0 && content.Length == 1))
        {
            return DerStatus.InvalidBitString;
        }
        if (unused != 0)
        {
            int mask = (1 << unused) - 1;
            if ((content[content.Length - 1] & mask) != 0)
            {
                return DerStatus.InvalidBitString;
            }
        }
        unusedBits = unused;
        value = content.Slice(1);
        bytesConsumed = consumed;
        return DerStatus.Ok;
    }

    /// <summary>Reads a BOOLEAN: one octet, 0x00 (FALSE) or 0xFF (TRUE) in DER (X.690 11.1).</summary>
    public static DerStatus ReadBoolean(ReadOnlySpan<byte> source, out bool value, out int bytesConsumed)
    {
        value = false;
        DerStatus status = ReadContent(source, DerTag.Boolean, out ReadOnlySpan<byte> content, out int consumed);
        bytesConsumed = 0;
        if (status != DerStatus.Ok)
        {
            return status;
        }
        if (content.Length != 1 || (content[0] != 0x00 && content[0] != 0xFF))
        {
            return DerStatus.InvalidBoolean;
        }
        value = content[0] == 0xFF;
        bytesConsumed = consumed;
        return DerStatus.Ok;
    }

    /// <summary>Reads a NULL: no content octets (X.690 8.8.2).</summary>
    public static DerStatus ReadNull(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        DerStatus status = ReadContent(source, DerTag.Null, out ReadOnlySpan<byte> content, out int consumed);
        bytesConsumed = 0;
        if (status != DerStatus.Ok)
        {
            return status;
        }
        if (!content.IsEmpty)
        {
            return DerStatus.InvalidNull;
        }
        bytesConsumed = consumed;
        return DerStatus.Ok;
    }
}
