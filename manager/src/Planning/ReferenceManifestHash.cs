using System;
using System.Collections.Generic;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// The manifest hashes (docs/protocol.md §5.4) for every modelled machine at once, exactly as
/// <see cref="HostManifestHash"/> computes them but computed once: a leaf of bytes equal to the served image's
/// fragment at that index is the leaf hashed the first time those bytes came (checked by comparing the bytes, so
/// any other bytes are hashed for real), and a node of the same two children is the node hashed before. 10,000
/// machines × 23,000 fragments of SHA-256 would otherwise be most of a 32 MiB run. Single-threaded, as the model.
/// </summary>
public sealed class ReferenceManifestHash(byte[] image, ulong servedImageId, ushort fragmentSize) : IManifestHash
{
    private readonly HostManifestHash _hash = new();
    private readonly Hash128[] _leaves = new Hash128[FragmentGeometry.CountFor((uint)image.Length, fragmentSize)];
    private readonly bool[] _leafKnown = new bool[FragmentGeometry.CountFor((uint)image.Length, fragmentSize)];
    private readonly Dictionary<(ulong, ulong, ulong, ulong), Hash128> _nodes = new();

    /// <summary>SHA-256 computations done, and answers given from one done before.</summary>
    public long Hashed { get; private set; }
    public long Reused { get; private set; }

    public Hash128 Leaf(ulong imageId, uint index, ReadOnlySpan<byte> fragment)
    {
        long offset = (long)index * fragmentSize;
        bool served = imageId == servedImageId && index < _leaves.Length && offset + fragment.Length <= image.Length
            && fragment.Length == Math.Min(fragmentSize, image.Length - offset)
            && fragment.SequenceEqual(image.AsSpan((int)offset, fragment.Length));
        if (served && _leafKnown[index])
        {
            Reused++;
            return _leaves[index];
        }
        Hashed++;
        Hash128 leaf = _hash.Leaf(imageId, index, fragment);
        if (served)
        {
            _leaves[index] = leaf;
            _leafKnown[index] = true;
        }
        return leaf;
    }

    public Hash128 Node(Hash128 left, Hash128 right)
    {
        var key = (left.High, left.Low, right.High, right.Low);
        if (_nodes.TryGetValue(key, out Hash128 known))
        {
            Reused++;
            return known;
        }
        Hash128 node = _hash.Node(left, right);
        _nodes[key] = node;
        Hashed++;
        return node;
    }
}
