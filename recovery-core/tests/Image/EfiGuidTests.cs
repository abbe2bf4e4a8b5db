using System;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Image;
using Xunit;

namespace UefiRecovery.Core.Tests.Image;

public class EfiGuidTests
{
    // Source: edk2-capsules/README.txt layout table and rsa2048/A bytes 0x000 and 0x034.
    [Theory]
    [InlineData("6DCBD5ED-E82D-4C44-BDA1-7194199AD92A", "edd5cb6d2de8444cbda17194199ad92a")]
    [InlineData("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10", "1b1a3c6e4d3f0e4f9c642a5d8b1f7e10")]
    [InlineData("A7717414-C616-4977-9420-844712A735BF", "1474 71a7 16c6 7749 9420 8447 12a7 35bf")]
    public void TryParse_RegistryText_GivesEfiByteOrder(string text, string bytesHex)
    {
        byte[] expected = Convert.FromHexString(bytesHex.Replace(" ", ""));
        Span<byte> actual = stackalloc byte[16];
        actual.Fill(0xA5);

        Assert.True(EfiGuid.TryParse(text, actual));

        Assert.Equal(expected, actual.ToArray());
        Assert.True(EfiGuid.TryRead(expected, out EfiGuid read));
        Span<char> formatted = stackalloc char[40];
        Assert.True(read.TryFormat(formatted, out int written));
        Assert.Equal(36, written);
        Assert.Equal(text.ToUpperInvariant(), formatted.Slice(0, written).ToString());
        Assert.Equal(new Guid(text), new Guid(expected)); // .NET's Guid uses the same mixed-endian layout
    }

    [Theory]
    [InlineData("")]
    [InlineData("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e1")]
    [InlineData("6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e100")]
    [InlineData("{6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e1}")]
    [InlineData("6e3c1a1b_3f4d-4f0e-9c64-2a5d8b1f7e10")]
    [InlineData("6e3c1a1g-3f4d-4f0e-9c64-2a5d8b1f7e10")]
    [InlineData("6e3c1a1b-3f4d-4f0e-9c64+2a5d8b1f7e10")]
    public void TryParse_MalformedText_ReturnsFalseAndLeavesDestination(string text)
    {
        Span<byte> destination = stackalloc byte[16];
        destination.Fill(0xA5);
        Assert.False(EfiGuid.TryParse(text, destination));
        Assert.False(EfiGuid.TryParse(text, out EfiGuid _));
        foreach (byte b in destination)
        {
            Assert.Equal(0xA5, b);
        }
    }

    [Fact]
    public void TryWriteAndTryFormat_ShortDestination_ReturnFalse()
    {
        EfiGuid guid = CapsuleGuids.FmpCapsule;
        Assert.False(guid.TryWrite(new byte[15]));
        Assert.False(guid.TryFormat(new char[35], out int written));
        Assert.Equal(0, written);
        Assert.False(EfiGuid.TryRead(new byte[15], out _));
    }

    [Fact]
    public void Equals_DiffersInAnyByte_IsFalse()
    {
        byte[] bytes = Convert.FromHexString("edd5cb6d2de8444cbda17194199ad92a");
        EfiGuid.TryRead(bytes, out EfiGuid original);
        for (int i = 0; i < 16; i++)
        {
            byte[] changed = (byte[])bytes.Clone();
            changed[i] ^= 0x01;
            EfiGuid.TryRead(changed, out EfiGuid other);
            Assert.False(original.Equals(other));
        }
        Assert.True(original.Equals(CapsuleGuids.FmpCapsule));
    }
}
