using System;
using System.Security.Cryptography;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Manifest;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Core.Tests.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Manifest;

/// <summary>The fragment manifest of docs/protocol.md §5.4: tree, groups, proofs, and the two hash implementations.</summary>
public class FragmentManifestTests
{
    private static readonly PortableManifestHash Portable = new PortableManifestHash();

    private static byte[] ExampleImage()
    {
        byte[] image = new byte[10000];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (byte)(i % 251);
        }
        return image;
    }

    [Fact]
    public void Build_AnnexExampleImage_RootEqualsTheIndependentPythonEncoder()
    {
        Assert.True(FragmentGeometry.TryCreate(10000, 1432, 7, out FragmentGeometry g));

        ManifestTree tree = ManifestTree.Build(ExampleImage(), g, ExampleDatagrams.ImageId, 3, Portable);

        Assert.Equal(ExampleDatagrams.ManifestRootHex, Hex(tree.Root));
    }

    [Fact]
    public void Verify_AnnexManifestExample_ProvesAgainstAnnexRoot()
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(ExampleDatagrams.Bytes(ExampleDatagrams.Manifest), out MessageFrame frame));
        Assert.Equal(WireStatus.Ok, ManifestMessage.TryParse(frame, out ManifestMessage manifest));
        Assert.True(ManifestShape.TryCreate(7, 3, out ManifestShape shape));

        Assert.True(ManifestProof.Verify(Portable, shape, RootOfAnnex(), manifest.FirstIndex, manifest.Leaves, manifest.Proof));
    }

    [Theory]
    [InlineData(1u, 1432)]
    [InlineData(2u, 1432)]
    [InlineData(7u, 1432)]
    [InlineData(379u, 1432)]   // the 541,344-byte NV capsule of the end-to-end tests
    [InlineData(1000u, 508)]   // smallest fragments: small groups, long proofs
    [InlineData(4097u, 8932)]  // jumbo fragments: 256-leaf groups
    public void EveryGroup_OfABuiltTree_VerifiesAndAnyChangeFails(uint fragments, int fragmentSize)
    {
        uint size = (fragments - 1) * (uint)fragmentSize + 17;
        byte[] image = new byte[size];
        new Random((int)fragments).NextBytes(image);
        Assert.True(FragmentGeometry.TryCreate(size, (ushort)fragmentSize, fragments, out FragmentGeometry g));
        byte shift = ManifestShape.ChooseGroupShift(fragments, (ushort)fragmentSize);
        ManifestTree tree = ManifestTree.Build(image, g, 0xABCD, shift, Portable);
        Assert.True(tree.Shape.LargestManifestPayload <= ProtocolConstants.DataPrefixLength + fragmentSize, "a MANIFEST fits in a DATA's room");
        byte[] leaves = new byte[ManifestMessage.MaxLeafCount * 16];
        byte[] proof = new byte[ManifestMessage.MaxProofLength * 16];

        for (uint group = 0; group < tree.Shape.GroupCount; group++)
        {
            Assert.True(tree.TryWriteGroup(group, leaves, proof, out int leafBytes, out int proofBytes));
            uint first = tree.Shape.FirstOf(group);
            Span<byte> l = leaves.AsSpan(0, leafBytes);
            Span<byte> p = proof.AsSpan(0, proofBytes);
            Assert.True(ManifestProof.Verify(Portable, tree.Shape, tree.Root, first, l, p), "group " + group);

            l[leafBytes - 1] ^= 0x01;
            Assert.False(ManifestProof.Verify(Portable, tree.Shape, tree.Root, first, l, p), "a changed leaf");
            l[leafBytes - 1] ^= 0x01;
            if (proofBytes > 0)
            {
                p[0] ^= 0x80;
                Assert.False(ManifestProof.Verify(Portable, tree.Shape, tree.Root, first, l, p), "a changed proof node");
                p[0] ^= 0x80;
            }
            if (tree.Shape.GroupCount > 1)
            {
                uint other = tree.Shape.FirstOf((group + 1) % tree.Shape.GroupCount);
                Assert.False(ManifestProof.Verify(Portable, tree.Shape, tree.Root, other, l, p), "the same leaves claimed for another group");
            }
            Assert.False(ManifestProof.Verify(Portable, tree.Shape, tree.Root, first + 1, l, p), "an unaligned group");
            Assert.False(ManifestProof.Verify(Portable, tree.Shape, tree.Root, first, l.Slice(16), p), "a leaf left out");
        }
        // Each fragment's leaf is the portable leaf hash of its bytes.
        uint last = fragments - 1;
        Assert.True(tree.TryWriteGroup(tree.Shape.GroupOf(last), leaves, proof, out _, out _));
        int position = (int)(last - tree.Shape.FirstOf(tree.Shape.GroupOf(last)));
        Assert.Equal(Hex(Portable.Leaf(0xABCD, last, image.AsSpan((int)g.OffsetOf(last), g.LengthOf(last)))),
            Convert.ToHexString(leaves, position * 16, 16));
    }

    [Fact]
    public void HostAndPortableHash_AgreeBitForBit()
    {
        var host = new HostManifestHash();
        var random = new Random(11);
        for (int n = 0; n < 200; n++)
        {
            byte[] fragment = new byte[random.Next(0, 3000)];
            random.NextBytes(fragment);
            ulong imageId = (ulong)random.NextInt64();
            uint index = (uint)random.Next();
            Assert.Equal(Hex(Portable.Leaf(imageId, index, fragment)), Hex(host.Leaf(imageId, index, fragment)));
            var left = new Hash128((ulong)random.NextInt64(), (ulong)random.NextInt64());
            var right = new Hash128((ulong)random.NextInt64(), (ulong)random.NextInt64());
            Assert.Equal(Hex(Portable.Node(left, right)), Hex(host.Node(left, right)));
        }
    }

    [Fact]
    public void Leaf_DomainIndexAndImageId_AllChangeTheHash()
    {
        byte[] fragment = new byte[100];
        Hash128 baseline = Portable.Leaf(1, 5, fragment);

        Assert.False(baseline.Equals(Portable.Leaf(1, 6, fragment)), "index");
        Assert.False(baseline.Equals(Portable.Leaf(2, 5, fragment)), "image id");
        // Leaf = SHA-256(0x00 || id || index || bytes)[0..16], recomputed here with .NET's SHA-256.
        byte[] input = new byte[13 + 100];
        input[8] = 1;
        input[12] = 5;
        Assert.Equal(Convert.ToHexString(SHA256.HashData(input), 0, 16), Hex(baseline));
    }

    [Theory]
    [InlineData(508, 8)]
    [InlineData(1432, 64)]
    [InlineData(8932, 256)]
    public void ChooseGroupShift_LargeImage_LargestGroupThatFits(int fragmentSize, int expectedGroup)
    {
        byte shift = ManifestShape.ChooseGroupShift(1u << 20, (ushort)fragmentSize);

        Assert.Equal(expectedGroup, 1 << shift);
    }

    private static Hash128 RootOfAnnex() => Hash128.Read(Convert.FromHexString(ExampleDatagrams.ManifestRootHex));

    private static string Hex(Hash128 value)
    {
        byte[] bytes = new byte[16];
        value.Write(bytes);
        return Convert.ToHexString(bytes);
    }
}
