using System;

namespace UefiRecovery.Core.Protocol.Manifest;

/// <summary>
/// A whole fragment manifest as a donor holds it (docs/protocol.md §5.4): every level of the Merkle tree,
/// built once per image and fragment size, from which each group's MANIFEST (leaves and proof) is read.
/// Allocates at build time only.
/// </summary>
public sealed class ManifestTree
{
    // _levels[0] are the 2^depth leaves (padding leaves zero), _levels[depth] the root alone.
    private readonly Hash128[][] _levels;

    private ManifestTree(ManifestShape shape, Hash128[][] levels)
    {
        Shape = shape;
        _levels = levels;
    }

    public ManifestShape Shape { get; }

    public Hash128 Root => _levels[Shape.Depth][0];

    /// <summary>Hashes every fragment of <paramref name="image"/> cut by <paramref name="geometry"/> and builds the tree.</summary>
    public static ManifestTree Build(
        ReadOnlySpan<byte> image, FragmentGeometry geometry, ulong imageId, byte groupShift, IManifestHash hash)
    {
        ManifestShape.TryCreate(geometry.FragmentCount, groupShift, out ManifestShape shape);
        var levels = new Hash128[shape.Depth + 1][];
        var leaves = new Hash128[1u << shape.Depth];
        for (uint i = 0; i < geometry.FragmentCount; i++)
        {
            leaves[i] = hash.Leaf(imageId, i, image.Slice((int)geometry.OffsetOf(i), geometry.LengthOf(i)));
        }
        levels[0] = leaves;
        for (int height = 1; height <= shape.Depth; height++)
        {
            Hash128[] below = levels[height - 1];
            var level = new Hash128[below.Length / 2];
            for (int i = 0; i < level.Length; i++)
            {
                level[i] = hash.Node(below[2 * i], below[2 * i + 1]);
            }
            levels[height] = level;
        }
        return new ManifestTree(shape, levels);
    }

    /// <summary>
    /// Writes group <paramref name="group"/>'s real leaves and its proof (16 bytes each) and returns how many
    /// bytes of each were written; false when the group does not exist or a destination is too short.
    /// </summary>
    public bool TryWriteGroup(uint group, Span<byte> leaves, Span<byte> proof, out int leafBytes, out int proofBytes)
    {
        leafBytes = 0;
        proofBytes = 0;
        if (group >= Shape.GroupCount)
        {
            return false;
        }
        int count = (int)Shape.LeafCountOf(group);
        if (leaves.Length < count * Hash128.Length || proof.Length < Shape.ProofLength * Hash128.Length)
        {
            return false;
        }
        uint first = Shape.FirstOf(group);
        for (int i = 0; i < count; i++)
        {
            _levels[0][first + (uint)i].Write(leaves.Slice(i * Hash128.Length));
        }
        // The sibling of the group's ancestor at each height from the group's own up to just below the root.
        uint node = group;
        for (int k = 0; k < Shape.ProofLength; k++)
        {
            _levels[Shape.GroupShift + k][node ^ 1].Write(proof.Slice(k * Hash128.Length));
            node >>= 1;
        }
        leafBytes = count * Hash128.Length;
        proofBytes = Shape.ProofLength * Hash128.Length;
        return true;
    }
}
