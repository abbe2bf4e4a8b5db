using System;
using System.Security.Cryptography;
using UefiRecovery.Core.Image.Pkcs7;
using Xunit;

namespace UefiRecovery.Core.Tests.Pkcs7;

public class RetaggedSha256Tests
{
    [Fact]
    public void TryHash_EveryLengthAcrossBlockBoundaries_EqualsBclHashOfRetaggedCopy()
    {
        // Lengths 1..300 cross the 55/56-byte padding edge and the 64-byte block edge several times.
        byte[] data = new byte[300];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 31 + 7);
        }
        byte[] digest = new byte[32];
        for (int length = 1; length <= data.Length; length++)
        {
            byte[] copy = data.AsSpan(0, length).ToArray();
            copy[0] = 0x31;
            Assert.True(RetaggedSha256.TryHash(data.AsSpan(0, length), 0x31, digest));
            Assert.Equal(SHA256.HashData(copy), digest);
        }
    }

    [Fact]
    public void TryHash_MaximumLength_Hashed()
    {
        byte[] data = new byte[RetaggedSha256.MaxEncodedLength];
        data[0] = 0xA0;
        byte[] digest = new byte[32];
        Assert.True(RetaggedSha256.TryHash(data, 0x31, digest));
        data[0] = 0x31;
        Assert.Equal(SHA256.HashData(data), digest);
    }

    [Fact]
    public void TryHash_EmptyOrTooLong_Refused()
    {
        byte[] digest = new byte[32];
        Assert.False(RetaggedSha256.TryHash(ReadOnlySpan<byte>.Empty, 0x31, digest));
        Assert.False(RetaggedSha256.TryHash(new byte[RetaggedSha256.MaxEncodedLength + 1], 0x31, digest));
        Assert.Equal(new byte[32], digest);
    }
}
