using System;

namespace UefiRecovery.Core.Protocol.Manifest;

/// <summary>
/// Checks one MANIFEST against the root an offer carried (docs/protocol.md §5.4): the group is where the
/// shape says, holds exactly its real leaves, and its subtree root folded up with the proof is the root.
/// Works on the stack (at most 256 leaves), so a client can check every MANIFEST it receives.
/// </summary>
public static class ManifestProof
{
    public static bool Verify(
        IManifestHash hash, in ManifestShape shape, Hash128 root, uint firstIndex, ReadOnlySpan<byte> leaves, ReadOnlySpan<byte> proof)
    {
        if (firstIndex >= shape.FragmentCount || (firstIndex & (shape.GroupSize - 1)) != 0)
        {
            return false;
        }
        uint group = shape.GroupOf(firstIndex);
        int count = (int)shape.LeafCountOf(group);
        if (leaves.Length != count * Hash128.Length || proof.Length != shape.ProofLength * Hash128.Length)
        {
            return false;
        }
        // Reduce the group's 2^s' leaves (real ones, then zero padding) to the subtree root in place.
        int width = (int)shape.GroupSize;
        Span<Hash128> level = stackalloc Hash128[width];
        for (int i = 0; i < width; i++)
        {
            level[i] = i < count ? Hash128.Read(leaves.Slice(i * Hash128.Length)) : default;
        }
        while (width > 1)
        {
            for (int i = 0; i < width / 2; i++)
            {
                level[i] = hash.Node(level[2 * i], level[2 * i + 1]);
            }
            width /= 2;
        }
        Hash128 node = level[0];
        uint position = group;
        for (int k = 0; k < shape.ProofLength; k++)
        {
            Hash128 sibling = Hash128.Read(proof.Slice(k * Hash128.Length));
            node = (position & 1) == 0 ? hash.Node(node, sibling) : hash.Node(sibling, node);
            position >>= 1;
        }
        return node.Equals(root);
    }
}
