using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Protocol.Manifest;

/// <summary>The manifest hashes over the portable <see cref="Sha256"/>: what the firmware build uses. One instance, no allocation per call.</summary>
public sealed class PortableManifestHash : IManifestHash
{
    public const byte LeafDomain = 0x00;
    public const byte NodeDomain = 0x01;

    private readonly Sha256 _sha = new Sha256();
    private readonly byte[] _scratch = new byte[1 + 2 * Hash128.Length];
    private readonly byte[] _digest = new byte[Sha256.DigestSize];

    public Hash128 Leaf(ulong imageId, uint index, ReadOnlySpan<byte> fragment)
    {
        Span<byte> prefix = new Span<byte>(_scratch, 0, 13);
        prefix[0] = LeafDomain;
        BinaryPrimitives.WriteUInt64BigEndian(prefix.Slice(1), imageId);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.Slice(9), index);
        _sha.Initialize();
        _sha.Append(prefix);
        _sha.Append(fragment);
        _sha.Finish(_digest);
        return Hash128.Read(_digest);
    }

    public Hash128 Node(Hash128 left, Hash128 right)
    {
        Span<byte> block = _scratch;
        block[0] = NodeDomain;
        left.Write(block.Slice(1));
        right.Write(block.Slice(1 + Hash128.Length));
        Sha256.Hash(block, _digest);
        return Hash128.Read(_digest);
    }
}
