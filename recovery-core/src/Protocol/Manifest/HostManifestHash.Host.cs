using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace UefiRecovery.Core.Protocol.Manifest;

/// <summary>
/// The manifest hashes over .NET's SHA-256 (the CPU's SHA instructions where present): what the manager
/// builds trees with. Host build only; equal to <see cref="PortableManifestHash"/> bit for bit (tested).
/// </summary>
public sealed class HostManifestHash : IManifestHash
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public Hash128 Leaf(ulong imageId, uint index, ReadOnlySpan<byte> fragment)
    {
        Span<byte> prefix = stackalloc byte[13];
        prefix[0] = PortableManifestHash.LeafDomain;
        BinaryPrimitives.WriteUInt64BigEndian(prefix.Slice(1), imageId);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.Slice(9), index);
        _sha.AppendData(prefix);
        _sha.AppendData(fragment);
        Span<byte> digest = stackalloc byte[32];
        _sha.GetHashAndReset(digest);
        return Hash128.Read(digest);
    }

    public Hash128 Node(Hash128 left, Hash128 right)
    {
        Span<byte> block = stackalloc byte[1 + 2 * Hash128.Length];
        block[0] = PortableManifestHash.NodeDomain;
        left.Write(block.Slice(1));
        right.Write(block.Slice(1 + Hash128.Length));
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(block, digest);
        return Hash128.Read(digest);
    }
}
