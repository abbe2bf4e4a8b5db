using System;
using System.Collections.Generic;
using UefiRecovery.Core.Asn1;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

/// <summary>One element of a DER encoding: where its header starts, how long header and content are.</summary>
internal readonly record struct DerElement(int Offset, int HeaderLength, int ContentLength)
{
    public int ContentStart => Offset + HeaderLength;

    public int End => ContentStart + ContentLength;
}

/// <summary>
/// Test helper: every element of a DER blob, found by walking constructed elements and the BIT/OCTET
/// STRINGs that wrap DER (public keys, extension values), in document order.
/// </summary>
internal static class DerLayout
{
    public static List<DerElement> Elements(ReadOnlySpan<byte> data)
    {
        List<DerElement> elements = new List<DerElement>();
        Collect(data, 0, elements);
        return elements;
    }

    private static void Collect(ReadOnlySpan<byte> data, int baseOffset, List<DerElement> elements)
    {
        int offset = 0;
        while (offset < data.Length)
        {
            Assert.Equal(DerStatus.Ok, DerDecoder.ReadEncodedValue(data.Slice(offset), out byte tag, out int header, out int length, out int consumed));
            elements.Add(new DerElement(baseOffset + offset, header, length));
            ReadOnlySpan<byte> content = data.Slice(offset + header, length);
            if ((tag & DerTag.ConstructedBit) != 0)
            {
                Collect(content, baseOffset + offset + header, elements);
            }
            else if ((tag == DerTag.OctetString || tag == DerTag.BitString) && WrapsDer(content, tag, out int skip))
            {
                Collect(content.Slice(skip), baseOffset + offset + header + skip, elements);
            }
            offset += consumed;
        }
    }

    private static bool WrapsDer(ReadOnlySpan<byte> content, byte tag, out int skip)
    {
        skip = 0;
        if (tag == DerTag.BitString)
        {
            if (content.Length < 3 || content[0] != 0)
            {
                return false;
            }
            skip = 1;
            content = content.Slice(1);
        }
        if (content.Length < 2 || (content[0] != DerTag.Sequence && content[0] != DerTag.BitString && content[0] != DerTag.OctetString))
        {
            return false;
        }
        return DerDecoder.ReadEncodedValue(content, out _, out _, out _, out int consumed) == DerStatus.Ok && consumed == content.Length;
    }

    /// <summary>
    /// Inserts (delta &gt; 0, bytes from <paramref name="random"/>) or removes (delta &lt; 0) bytes at
    /// <paramref name="position"/> and rewrites the length of every element that contains it, so the
    /// result is consistent DER all the way down to the changed element. Returns null when a new
    /// length would need a different number of length octets (the layout would shift).
    /// </summary>
    public static byte[]? Resize(byte[] original, List<DerElement> elements, int position, int delta, Random random)
    {
        byte[] result = new byte[original.Length + delta];
        if (delta >= 0)
        {
            original.AsSpan(0, position).CopyTo(result);
            for (int i = 0; i < delta; i++)
            {
                result[position + i] = (byte)random.Next(256);
            }
            original.AsSpan(position).CopyTo(result.AsSpan(position + delta));
        }
        else
        {
            original.AsSpan(0, position).CopyTo(result);
            original.AsSpan(position - delta).CopyTo(result.AsSpan(position));
        }

        foreach (DerElement element in elements)
        {
            bool contains = element.ContentStart <= position && (delta > 0 ? position <= element.End : position - delta <= element.End);
            if (!contains || element.Offset >= position)
            {
                continue;
            }
            long newLength = (long)element.ContentLength + delta;
            int lengthOctets = element.HeaderLength - 2;
            if (newLength < 0
                || (lengthOctets == 0 && newLength > 0x7F)
                || (lengthOctets > 0 && (newLength < 0x80 || newLength >= 1L << (8 * lengthOctets) || newLength >> (8 * (lengthOctets - 1)) == 0)))
            {
                return null;
            }
            if (lengthOctets == 0)
            {
                result[element.Offset + 1] = (byte)newLength;
            }
            else
            {
                for (int i = 0; i < lengthOctets; i++)
                {
                    result[element.Offset + 2 + i] = (byte)(newLength >> (8 * (lengthOctets - 1 - i)));
                }
            }
        }
        return result;
    }
}
