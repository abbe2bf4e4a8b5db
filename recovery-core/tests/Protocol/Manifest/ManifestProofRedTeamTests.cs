using System;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Manifest;

/// <summary>
/// Red team, what held (issue #10, docs/protocol.md §5.4): for fragment counts at the edges (1, powers of two and
/// one either side, a partial last group) and every group shift 0..8, each honest MANIFEST proves against the root,
/// and no forgery built from it does: one flipped bit anywhere in leaves or proof, the group presented at another
/// aligned or unaligned index, one leaf fewer or more, one proof node fewer or more, a padding (zero) leaf appended
/// to a partial last group, the proof of another group. Passes on proto.
/// </summary>
[Trait("Category", "RedTeamHeld")]
public class ManifestProofRedTeamTests
{
    public static TheoryData<uint> Counts => new() { 1, 2, 3, 4, 5, 7, 8, 9, 31, 255, 256, 257, 300, 513 };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Verify_EveryForgeryDerivedFromAnHonestManifest_Fails(uint count)
    {
        const ushort fragmentSize = 508;
        byte[] image = new byte[count * fragmentSize - 3];
        new Random((int)count).NextBytes(image);
        Assert.True(FragmentGeometry.TryCreate((uint)image.Length, fragmentSize, count, out FragmentGeometry geometry));
        var hash = new PortableManifestHash();
        for (byte shift = 0; shift <= 8; shift++)
        {
            ManifestTree tree = ManifestTree.Build(image, geometry, 0x1122334455667788, shift, hash);
            ManifestShape shape = tree.Shape;
            byte[] leaves = new byte[257 * 16];
            byte[] proof = new byte[25 * 16];
            for (uint g = 0; g < shape.GroupCount; g++)
            {
                Assert.True(tree.TryWriteGroup(g, leaves, proof, out int lb, out int pb));
                uint first = shape.FirstOf(g);
                Span<byte> l = leaves.AsSpan(0, lb);
                Span<byte> p = proof.AsSpan(0, pb);
                Assert.True(ManifestProof.Verify(hash, shape, tree.Root, first, l, p), "honest group " + g);

                for (int bit = 0; bit < (lb + pb) * 8; bit += 7)
                {
                    Span<byte> target = bit / 8 < lb ? l : p;
                    int at = bit / 8 < lb ? bit / 8 : bit / 8 - lb;
                    target[at] ^= (byte)(1 << (bit % 8));
                    Assert.False(ManifestProof.Verify(hash, shape, tree.Root, first, l, p), "bit " + bit + " of group " + g);
                    target[at] ^= (byte)(1 << (bit % 8));
                }
                foreach (uint other in new[] { first + 1, first + shape.GroupSize, first - 1, first ^ 1u, 0u, count - 1, count, uint.MaxValue })
                {
                    if (other != first)
                        Assert.False(ManifestProof.Verify(hash, shape, tree.Root, other, l, p), "group " + g + " presented at " + other);
                }
                if (lb > 16) Assert.False(ManifestProof.Verify(hash, shape, tree.Root, first, l.Slice(0, lb - 16), p));
                Assert.False(ManifestProof.Verify(hash, shape, tree.Root, first, leaves.AsSpan(0, lb + 16), p)); // a zero leaf appended
                if (pb > 0) Assert.False(ManifestProof.Verify(hash, shape, tree.Root, first, l, p.Slice(0, pb - 16)));
                Assert.False(ManifestProof.Verify(hash, shape, tree.Root, first, l, proof.AsSpan(0, pb + 16)));
                if (shape.GroupCount > 1)
                {
                    byte[] otherProof = new byte[24 * 16];
                    tree.TryWriteGroup((g + 1) % shape.GroupCount, new byte[256 * 16], otherProof, out _, out int opb);
                    if (!otherProof.AsSpan(0, opb).SequenceEqual(p))
                        Assert.False(ManifestProof.Verify(hash, shape, tree.Root, first, l, otherProof.AsSpan(0, opb)));
                }
            }
        }
    }
}
