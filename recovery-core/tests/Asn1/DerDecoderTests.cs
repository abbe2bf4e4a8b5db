using System;
using UefiRecovery.Core.Asn1;
using Xunit;

namespace UefiRecovery.Core.Tests.Asn1;

/// <summary>
/// Rows come from ITU-T X.690 (02/2021) clause examples (8.1.3, 8.6.4.2, 8.9.3, 8.19.5) and from
/// B. Kaliski, "A Layman's Guide to a Subset of ASN.1, BER, and DER" (RSA Labs, 1993), section 5.
/// </summary>
public class DerDecoderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Theory]
    // X.690 8.9.3 example: SEQUENCE { name IA5String "Smith", ok BOOLEAN TRUE }
    [InlineData("30 0A 16 05 53 6D 69 74 68 01 01 FF", 0x30, 2, 10)]
    // X.690 8.1.3.4: short form, L = 38
    [InlineData("04 26" + " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", 0x04, 2, 38)]
    // Layman's guide 5.1: NULL is 05 00
    [InlineData("05 00", 0x05, 2, 0)]
    // Context-specific constructed [3] with an empty content
    [InlineData("A3 00", 0xA3, 2, 0)]
    public void ReadEncodedValue_X690Examples_DecodesHeader(string hex, int tag, int header, int length)
    {
        byte[] data = Hex(hex);
        DerStatus status = DerDecoder.ReadEncodedValue(data, out byte readTag, out int readHeader, out int readLength, out int consumed);
        Assert.Equal(DerStatus.Ok, status);
        Assert.Equal(tag, readTag);
        Assert.Equal(header, readHeader);
        Assert.Equal(length, readLength);
        Assert.Equal(header + length, consumed);
    }

    [Fact]
    public void ReadEncodedValue_X690LongForm201_DecodesLength()
    {
        // X.690 8.1.3.5 NOTE 2: L = 201 encoded as 10000001 11001001 (81 C9).
        byte[] data = new byte[3 + 201];
        data[0] = 0x04;
        data[1] = 0x81;
        data[2] = 0xC9;
        Assert.Equal(DerStatus.Ok, DerDecoder.ReadEncodedValue(data, out _, out int header, out int length, out int consumed));
        Assert.Equal(3, header);
        Assert.Equal(201, length);
        Assert.Equal(204, consumed);
    }

    [Theory]
    [InlineData("04", DerStatus.Truncated)] // no length octet
    [InlineData("", DerStatus.Truncated)]
    [InlineData("04 01", DerStatus.Truncated)] // content missing
    [InlineData("04 82 01", DerStatus.Truncated)] // length octets missing
    [InlineData("04 81 C9 00", DerStatus.Truncated)] // X.690 8.1.3.5 example length, content absent
    [InlineData("30 80 00 00", DerStatus.IndefiniteLength)] // X.690 8.1.3.6, forbidden by 10.1
    [InlineData("04 81 05 00 00 00 00 00", DerStatus.NonMinimalLength)] // 5 must be short form (10.1)
    [InlineData("04 82 00 05 00 00 00 00 00", DerStatus.NonMinimalLength)] // leading zero length octet
    [InlineData("04 85 00 00 00 00 01 00", DerStatus.LengthTooLarge)] // more than 4 length octets
    [InlineData("04 84 80 00 00 00", DerStatus.LengthTooLarge)] // 2^31 does not fit an int
    [InlineData("04 84 7F FF FF FF 00", DerStatus.Truncated)] // lying length, overflow-safe check
    [InlineData("04 FF 00", DerStatus.LengthTooLarge)] // 0xFF reserved (8.1.3.5 c)
    [InlineData("1F 81 00 00", DerStatus.HighTagNumberUnsupported)] // high-tag-number form (8.1.2.4)
    [InlineData("00 00", DerStatus.EndOfContentsTag)] // end-of-contents (8.1.5)
    public void ReadEncodedValue_InvalidDer_FailsAndConsumesNothing(string hex, DerStatus expected)
    {
        DerStatus status = DerDecoder.ReadEncodedValue(Hex(hex), out byte tag, out int header, out int length, out int consumed);
        Assert.Equal(expected, status);
        Assert.Equal(0, consumed);
        Assert.Equal(0, tag);
        Assert.Equal(0, header);
        Assert.Equal(0, length);
    }

    [Theory]
    // Layman's guide 5.7 INTEGER examples
    [InlineData("02 01 00", 0)]
    [InlineData("02 01 7F", 127)]
    [InlineData("02 02 00 80", 128)]
    [InlineData("02 02 01 00", 256)]
    [InlineData("02 01 80", -128)]
    [InlineData("02 02 FF 7F", -129)]
    [InlineData("02 04 7F FF FF FF", int.MaxValue)]
    [InlineData("02 04 80 00 00 00", int.MinValue)]
    public void ReadInt32_LaymansGuideExamples_DecodesValue(string hex, int expected)
    {
        byte[] data = Hex(hex);
        Assert.Equal(DerStatus.Ok, DerDecoder.ReadInt32(data, out int value, out int consumed));
        Assert.Equal(expected, value);
        Assert.Equal(data.Length, consumed);
    }

    [Theory]
    [InlineData("02 00", DerStatus.InvalidInteger)] // X.690 8.3.1: at least one content octet
    [InlineData("02 02 00 7F", DerStatus.InvalidInteger)] // 8.3.2 a: first 9 bits all zero
    [InlineData("02 02 FF 80", DerStatus.InvalidInteger)] // 8.3.2 b: first 9 bits all one
    [InlineData("02 05 01 00 00 00 00", DerStatus.IntegerOutOfRange)] // 2^32 does not fit an int
    [InlineData("04 01 00", DerStatus.UnexpectedTag)]
    public void ReadInt32_InvalidInteger_FailsAndConsumesNothing(string hex, DerStatus expected)
    {
        Assert.Equal(expected, DerDecoder.ReadInt32(Hex(hex), out int value, out int consumed));
        Assert.Equal(0, value);
        Assert.Equal(0, consumed);
    }

    [Theory]
    [InlineData("02 01 00", "00")]
    [InlineData("02 02 00 80", "80")] // sign octet removed
    [InlineData("02 03 01 00 01", "010001")] // e = 65537
    public void ReadUnsignedInteger_NonNegative_ReturnsMagnitude(string hex, string magnitude)
    {
        Assert.Equal(DerStatus.Ok, DerDecoder.ReadUnsignedInteger(Hex(hex), out ReadOnlySpan<byte> value, out int consumed));
        Assert.Equal(Hex(magnitude), value.ToArray());
        Assert.Equal(Hex(hex).Length, consumed);
    }

    [Fact]
    public void ReadUnsignedInteger_Negative_Fails()
    {
        Assert.Equal(DerStatus.IntegerOutOfRange, DerDecoder.ReadUnsignedInteger(Hex("02 01 80"), out ReadOnlySpan<byte> value, out int consumed));
        Assert.True(value.IsEmpty);
        Assert.Equal(0, consumed);
    }

    [Theory]
    // X.690 8.19.5 example: { 2 100 3 } encodes as 06 03 81 34 03
    [InlineData("06 03 81 34 03", "81 34 03")]
    // Layman's guide 5.9: 1.2.840.113549 encodes as 06 06 2A 86 48 86 F7 0D
    [InlineData("06 06 2A 86 48 86 F7 0D", "2A 86 48 86 F7 0D")]
    public void ReadObjectIdentifier_X690Examples_ReturnsContent(string hex, string content)
    {
        Assert.Equal(DerStatus.Ok, DerDecoder.ReadObjectIdentifier(Hex(hex), out ReadOnlySpan<byte> oid, out int consumed));
        Assert.Equal(Hex(content), oid.ToArray());
        Assert.Equal(Hex(hex).Length, consumed);
    }

    [Theory]
    [InlineData("06 00")] // empty
    [InlineData("06 02 2A 86")] // last subidentifier unterminated
    [InlineData("06 03 2A 80 01")] // 0x80 padding octet (8.19.2)
    [InlineData("06 02 80 01")] // padding in the first subidentifier
    public void ReadObjectIdentifier_Invalid_Fails(string hex)
    {
        Assert.Equal(DerStatus.InvalidObjectIdentifier, DerDecoder.ReadObjectIdentifier(Hex(hex), out ReadOnlySpan<byte> oid, out int consumed));
        Assert.True(oid.IsEmpty);
        Assert.Equal(0, consumed);
    }

    [Theory]
    // X.690 8.6.4.2 example '0A3B5F291CD'H: 03 07 04 0A 3B 5F 29 1C D0 (4 unused bits)
    [InlineData("03 07 04 0A 3B 5F 29 1C D0", 4, "0A 3B 5F 29 1C D0")]
    // X.690 8.6.2.3: empty bit string is 03 01 00
    [InlineData("03 01 00", 0, "")]
    // keyUsage of EDK2 TestSub (digitalSignature, keyCertSign, cRLSign)
    [InlineData("03 02 01 86", 1, "86")]
    public void ReadBitString_X690Examples_ReturnsBits(string hex, int unused, string bits)
    {
        Assert.Equal(DerStatus.Ok, DerDecoder.ReadBitString(Hex(hex), out int unusedBits, out ReadOnlySpan<byte> value, out int consumed));
        Assert.Equal(unused, unusedBits);
        Assert.Equal(Hex(bits), value.ToArray());
        Assert.Equal(Hex(hex).Length, consumed);
    }

    [Theory]
    [InlineData("03 00")] // no unused-bits octet
    [InlineData("03 01 01")] // unused bits in an empty string
    [InlineData("03 02 08 00")] // more than 7 unused bits
    [InlineData("03 02 04 01")] // DER 11.2.1: unused bits must be zero
    [InlineData("23 03 03 01 00")] // constructed form, forbidden by DER 10.2
    public void ReadBitString_Invalid_Fails(string hex)
    {
        Assert.NotEqual(DerStatus.Ok, DerDecoder.ReadBitString(Hex(hex), out _, out _, out int consumed));
        Assert.Equal(0, consumed);
    }

    [Theory]
    [InlineData("01 01 FF", true)]
    [InlineData("01 01 00", false)]
    public void ReadBoolean_Der_Decodes(string hex, bool expected)
    {
        Assert.Equal(DerStatus.Ok, DerDecoder.ReadBoolean(Hex(hex), out bool value, out int consumed));
        Assert.Equal(expected, value);
        Assert.Equal(3, consumed);
    }

    [Theory]
    [InlineData("01 01 01")] // X.690 11.1: TRUE must be FF in DER
    [InlineData("01 00")]
    [InlineData("01 02 FF FF")]
    public void ReadBoolean_NotDer_Fails(string hex)
    {
        Assert.Equal(DerStatus.InvalidBoolean, DerDecoder.ReadBoolean(Hex(hex), out _, out int consumed));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void ReadNull_WithContent_Fails()
    {
        Assert.Equal(DerStatus.InvalidNull, DerDecoder.ReadNull(Hex("05 01 00"), out int consumed));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void ReadOctetString_ConstructedForm_Rejected()
    {
        // X.690 8.7.3 allows a constructed OCTET STRING (24 ...) in BER; DER 10.2 forbids it.
        Assert.Equal(DerStatus.UnexpectedTag, DerDecoder.ReadOctetString(Hex("24 04 04 02 AB CD"), out _, out int consumed));
        Assert.Equal(0, consumed);
    }
}
