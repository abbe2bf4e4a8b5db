using System;
using UefiRecovery.Core.Asn1;
using UefiRecovery.Core.Image.Pkcs7;
using UefiRecovery.Core.Tests.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Asn1;

public class DerReaderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void TryReadSequence_X690SequenceExample_ReadsFieldsInOrder()
    {
        // X.690 8.9.3: SEQUENCE { name IA5String "Smith", ok BOOLEAN TRUE }
        DerReader reader = new DerReader(Hex("30 0A 16 05 53 6D 69 74 68 01 01 FF"));
        Assert.True(reader.TryReadSequence(out DerReader sequence));
        Assert.True(reader.TryReadEnd());
        Assert.True(sequence.TryReadContent(0x16, out ReadOnlySpan<byte> name));
        Assert.Equal("Smith"u8.ToArray(), name.ToArray());
        Assert.True(sequence.TryReadBoolean(out bool ok));
        Assert.True(ok);
        Assert.True(sequence.TryReadEnd());
    }

    [Fact]
    public void TryReadSequence_InnerLengthPastOuter_Fails()
    {
        // The outer SEQUENCE says 3 bytes; the inner OCTET STRING claims 5: the child must not read past its parent.
        DerReader reader = new DerReader(Hex("30 03 04 05 00 00 00 00 00"));
        Assert.True(reader.TryReadSequence(out DerReader sequence));
        Assert.False(sequence.TryReadOctetString(out _));
        Assert.Equal(DerStatus.Truncated, sequence.Error);
    }

    [Fact]
    public void TryReadInteger_WrongTag_LeavesPositionUnchanged()
    {
        DerReader reader = new DerReader(Hex("04 01 05 02 01 07"));
        Assert.False(reader.TryReadInteger(out _));
        Assert.Equal(DerStatus.UnexpectedTag, reader.Error);
        Assert.Equal(6, reader.Remaining);
        Assert.True(reader.TryReadOctetString(out ReadOnlySpan<byte> octets));
        Assert.Equal(new byte[] { 5 }, octets.ToArray());
        Assert.True(reader.TryReadInt32(out int seven));
        Assert.Equal(7, seven);
        Assert.True(reader.TryReadEnd());
    }

    [Fact]
    public void TryReadEnd_TrailingBytes_Fails()
    {
        DerReader reader = new DerReader(Hex("05 00 05 00"));
        Assert.True(reader.TryReadNull());
        Assert.False(reader.TryReadEnd());
        Assert.Equal(DerStatus.TrailingData, reader.Error);
    }

    [Fact]
    public void TryReadEncodedValue_ContextTag_ReturnsWholeElement()
    {
        // RFC 5652 signedAttrs travel as [0] IMPLICIT (A0); the raw TLV is what gets re-tagged and hashed.
        DerReader reader = new DerReader(Hex("A0 03 05 01 00 30 00"));
        Assert.True(reader.TryReadEncodedValue(DerTag.ContextConstructed(0), out ReadOnlySpan<byte> element));
        Assert.Equal(Hex("A0 03 05 01 00"), element.ToArray());
        Assert.True(reader.TryReadSequence(out DerReader empty));
        Assert.False(empty.HasData);
    }

    [Fact]
    public void TryReadConstructed_PrimitiveTagRequested_Fails()
    {
        DerReader reader = new DerReader(Hex("80 01 00"));
        Assert.False(reader.TryReadConstructed(0x80, out _));
        Assert.True(reader.TryReadContent(DerTag.ContextPrimitive(0), out ReadOnlySpan<byte> implicitContent));
        Assert.Equal(new byte[] { 0 }, implicitContent.ToArray());
    }

    [Theory]
    [InlineData("17 0D 31 37 30 34 31 30 30 38 32 37 34 30 5A")] // UTCTime 170410082740Z (TestRoot notBefore)
    [InlineData("18 0F 32 30 35 30 30 31 30 31 30 30 30 30 30 30 5A")] // GeneralizedTime 20500101000000Z
    public void TrySkipTime_EitherTimeType_Skipped(string hex)
    {
        DerReader reader = new DerReader(Hex(hex));
        Assert.True(reader.TrySkipTime());
        Assert.True(reader.TryReadEnd());
    }

    [Fact]
    public void TrySkipTime_OtherType_Fails()
    {
        DerReader reader = new DerReader(Hex("04 00"));
        Assert.False(reader.TrySkipTime());
        Assert.Equal(DerStatus.UnexpectedTag, reader.Error);
    }

    [Fact]
    public void TryReadOctetAlignedBitString_UnusedBits_Fails()
    {
        DerReader reader = new DerReader(Hex("03 02 01 86"));
        Assert.False(reader.TryReadOctetAlignedBitString(out _));
        Assert.Equal(DerStatus.BitStringNotOctetAligned, reader.Error);
        Assert.Equal(4, reader.Remaining);
    }

    [Fact]
    public void Prefixes_OfTestRootCertificate_AllRejectedCleanly()
    {
        byte[] certificate = EdkCapsuleVectors.TestRootDer;
        for (int length = 0; length < certificate.Length; length++)
        {
            ReadOnlySpan<byte> prefix = certificate.AsSpan(0, length);
            Assert.NotEqual(DerStatus.Ok, DerDecoder.ReadEncodedValue(prefix, out _, out _, out _, out int consumed));
            Assert.Equal(0, consumed);
            Assert.NotEqual(X509Status.Ok, X509Certificate.TryParse(prefix, out X509Certificate parsed, out int parsedLength));
            Assert.Equal(0, parsedLength);
            Assert.True(parsed.Encoded.IsEmpty);
        }
        Assert.Equal(X509Status.Ok, X509Certificate.TryParse(certificate, out _, out int fullLength));
        Assert.Equal(certificate.Length, fullLength);
    }

    /// <summary>Walks every element of a real certificate recursively: the reader must land exactly on each end.</summary>
    [Fact]
    public void Walk_TestRootCertificate_EveryConstructedElementEndsExactly()
    {
        byte[] certificate = EdkCapsuleVectors.TestRootDer;
        int elements = Walk(certificate, depth: 0);
        Assert.True(elements > 50, "TestRoot.cer has many elements");
    }

    private static int Walk(ReadOnlySpan<byte> data, int depth)
    {
        Assert.True(depth < 16);
        DerReader reader = new DerReader(data);
        int count = 0;
        while (reader.HasData)
        {
            Assert.True(reader.TryReadEncodedValue(out ReadOnlySpan<byte> element), reader.Error.ToString());
            Assert.Equal(DerStatus.Ok, DerDecoder.ReadEncodedValue(element, out byte tag, out int header, out int length, out int consumed));
            Assert.Equal(element.Length, consumed);
            count++;
            if ((tag & DerTag.ConstructedBit) != 0)
            {
                count += Walk(element.Slice(header, length), depth + 1);
            }
        }
        return count;
    }
}
