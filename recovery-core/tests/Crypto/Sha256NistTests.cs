using System;
using System.Collections.Generic;
using System.IO;
using UefiRecovery.Core.Crypto;
using Xunit;

namespace UefiRecovery.Core.Tests.Crypto;

/// <summary>NIST CAVP SHAVS byte-oriented vectors (shared/vectors/sha256), cross-checked against .NET's SHA256.</summary>
public class Sha256NistTests
{
    private static List<(byte[] Message, byte[] Digest)> ReadMessageFile(string name)
    {
        var cases = new List<(byte[], byte[])>();
        int bitLength = -1;
        byte[]? message = null;
        foreach (string raw in File.ReadAllLines(SharedVectors.PathOf("sha256/" + name)))
        {
            string line = raw.Trim();
            if (line.StartsWith("Len = ", StringComparison.Ordinal))
            {
                bitLength = int.Parse(line.Substring(6));
            }
            else if (line.StartsWith("Msg = ", StringComparison.Ordinal))
            {
                // "Len = 0" carries "Msg = 00" as a placeholder: only Len/8 bytes are the message.
                message = Convert.FromHexString(line.Substring(6)).AsSpan(0, bitLength / 8).ToArray();
            }
            else if (line.StartsWith("MD = ", StringComparison.Ordinal))
            {
                cases.Add((message!, Convert.FromHexString(line.Substring(5))));
            }
        }
        return cases;
    }

    [Theory]
    [InlineData("SHA256ShortMsg.rsp", 65)]
    [InlineData("SHA256LongMsg.rsp", 64)]
    public void Hash_NistMessageFile_MatchesEveryDigest(string file, int expectedCases)
    {
        var cases = ReadMessageFile(file);
        Assert.Equal(expectedCases, cases.Count);
        Span<byte> digest = stackalloc byte[32];
        foreach (var (message, expected) in cases)
        {
            Assert.True(Sha256.Hash(message, digest));
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(digest));
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(message)), Convert.ToHexString(digest));
        }
    }

    [Theory]
    [InlineData("SHA256ShortMsg.rsp")]
    [InlineData("SHA256LongMsg.rsp")]
    public void Append_NistMessagesInUnevenPieces_MatchesOneShot(string file)
    {
        var hasher = new Sha256();
        Span<byte> digest = stackalloc byte[32];
        foreach (var (message, expected) in ReadMessageFile(file))
        {
            // Feed pieces of 1, 2, 3, ... bytes so every offset inside a block is crossed.
            int offset = 0;
            int piece = 1;
            while (offset < message.Length)
            {
                int take = Math.Min(piece, message.Length - offset);
                hasher.Append(message.AsSpan(offset, take));
                offset += take;
                piece = piece % 131 + 1;
            }
            Assert.True(hasher.Finish(digest));
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(digest));
        }
    }

    [Fact]
    public void Hash_NistMonteCarlo_AllHundredCheckpointsMatch()
    {
        byte[] seed = Array.Empty<byte>();
        var checkpoints = new List<byte[]>();
        foreach (string raw in File.ReadAllLines(SharedVectors.PathOf("sha256/SHA256Monte.rsp")))
        {
            string line = raw.Trim();
            if (line.StartsWith("Seed = ", StringComparison.Ordinal))
            {
                seed = Convert.FromHexString(line.Substring(7));
            }
            else if (line.StartsWith("MD = ", StringComparison.Ordinal))
            {
                checkpoints.Add(Convert.FromHexString(line.Substring(5)));
            }
        }
        Assert.Equal(100, checkpoints.Count);

        // SHAVS section 6.4: MD0 = MD1 = MD2 = Seed; Mi = MD(i-3) || MD(i-2) || MD(i-1); MDi = SHA256(Mi).
        var hasher = new Sha256();
        foreach (byte[] checkpoint in checkpoints)
        {
            byte[] portable = MonteCheckpoint(seed, message =>
            {
                byte[] digest = new byte[32];
                hasher.Append(message.AsSpan(0, 32));
                hasher.Append(message.AsSpan(32, 32));
                hasher.Append(message.AsSpan(64, 32));
                hasher.Finish(digest);
                return digest;
            });
            Assert.Equal(Convert.ToHexString(checkpoint), Convert.ToHexString(portable));
            seed = portable;
        }

        // Cross-check the chain itself with .NET for the first checkpoint.
        byte[] firstSeed = Convert.FromHexString(File.ReadAllText(SharedVectors.PathOf("sha256/SHA256Monte.rsp"))
            .Split("Seed = ")[1].Substring(0, 64));
        Assert.Equal(checkpoints[0], MonteCheckpoint(firstSeed, System.Security.Cryptography.SHA256.HashData));
    }

    private static byte[] MonteCheckpoint(byte[] seed, Func<byte[], byte[]> hash)
    {
        byte[] md0 = seed, md1 = seed, md2 = seed;
        for (int i = 3; i < 1003; i++)
        {
            byte[] next = hash([.. md0, .. md1, .. md2]);
            (md0, md1, md2) = (md1, md2, next);
        }
        return md2;
    }

    [Fact]
    public void Hash_RandomLengthsUpTo4KiB_MatchesDotNet()
    {
        var random = new Random(20261121);
        Span<byte> digest = stackalloc byte[32];
        for (int length = 0; length < 4200; length += 1 + length / 64)
        {
            byte[] message = new byte[length];
            random.NextBytes(message);
            Sha256.Hash(message, digest);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(message), digest.ToArray());
        }
    }

    [Fact]
    public void Finish_DigestBufferTooShort_ReturnsFalse()
    {
        Assert.False(Sha256.Hash(new byte[3], new byte[31]));
        Assert.False(new Sha256().Finish(new byte[31]));
    }
}
