using System;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// MANIFEST: the leaf hashes of one group of fragments and the proof that ties them to the offer's
/// manifest root (docs/protocol.md §4.10, §5.4). Sent by the donor to the delivery address before the
/// group's first DATA of each pass. Payload, 8 + 16 × (leaves + proof) bytes:
/// <code>
///  0 first fragment index u32   4 leaf count u16 (≥ 1)   6 proof length u8   7 reserved u8 (0)
///  8 leaves 16 × count   then proof 16 × length (siblings from the group's height up)
/// </code>
/// Whether the group is placed, sized and proven right is the manifest's business
/// (<see cref="Manifest.FragmentManifest"/>); this view only checks that the lengths add up. A view over the received bytes.
/// </summary>
public readonly ref struct ManifestMessage
{
    public const int FixedLength = 8;

    /// <summary>Longest proof: a tree over at most 2^24 fragments.</summary>
    public const int MaxProofLength = 24;

    /// <summary>Most leaves in one MANIFEST (2^<see cref="OfferMessage.MaxGroupShift"/>).</summary>
    public const int MaxLeafCount = 1 << OfferMessage.MaxGroupShift;

    private ManifestMessage(uint firstIndex, ReadOnlySpan<byte> leaves, ReadOnlySpan<byte> proof)
    {
        FirstIndex = firstIndex;
        Leaves = leaves;
        Proof = proof;
    }

    /// <summary>Index of the group's first fragment.</summary>
    public uint FirstIndex { get; }

    /// <summary>Leaf hashes, 16 bytes each, for fragments FirstIndex, FirstIndex + 1, ...</summary>
    public ReadOnlySpan<byte> Leaves { get; }

    /// <summary>Sibling nodes, 16 bytes each, from the group's subtree up to the root.</summary>
    public ReadOnlySpan<byte> Proof { get; }

    public int LeafCount => Leaves.Length / Hash128.Length;

    public int ProofLength => Proof.Length / Hash128.Length;

    public static int PayloadLengthFor(int leafCount, int proofLength)
    {
        return FixedLength + Hash128.Length * (leafCount + proofLength);
    }

    public static WireStatus TryParse(in MessageFrame frame, out ManifestMessage message)
    {
        message = default;
        WireStatus prefix = frame.CheckPrefix(MessageType.Manifest, FixedLength);
        if (prefix != WireStatus.Ok)
        {
            return prefix;
        }
        ReadOnlySpan<byte> p = frame.Payload;
        var fields = new PayloadReader(p);
        uint firstIndex = fields.ReadUInt32();
        int leafCount = fields.ReadUInt16();
        int proofLength = fields.ReadByte();
        if (fields.ReadByte() != 0)
        {
            return WireStatus.ReservedNotZero;
        }
        if (frame.Header.SessionId == 0 || leafCount == 0 || leafCount > MaxLeafCount || proofLength > MaxProofLength)
        {
            return WireStatus.BadField;
        }
        if (p.Length != PayloadLengthFor(leafCount, proofLength))
        {
            return WireStatus.BadPayloadLength;
        }
        int leafBytes = leafCount * Hash128.Length;
        message = new ManifestMessage(firstIndex, fields.ReadBytes(leafBytes), p.Slice(FixedLength + leafBytes));
        return WireStatus.Ok;
    }

    /// <summary>Emits 32 + 8 + leaves.Length + proof.Length bytes (both multiples of 16).</summary>
    public static WireStatus TryEmit(
        Span<byte> destination, in MessageIds ids, uint firstIndex, ReadOnlySpan<byte> leaves, ReadOnlySpan<byte> proof,
        out int written)
    {
        written = 0;
        int leafCount = leaves.Length / Hash128.Length;
        int proofLength = proof.Length / Hash128.Length;
        if (ids.SessionId == 0 || leafCount == 0 || leafCount > MaxLeafCount || proofLength > MaxProofLength
            || leaves.Length % Hash128.Length != 0 || proof.Length % Hash128.Length != 0)
        {
            return WireStatus.BadField;
        }
        int payloadLength = PayloadLengthFor(leafCount, proofLength);
        WireStatus status = MessageFrame.TryBeginEmit(destination, MessageType.Manifest, ids, payloadLength, out Span<byte> p);
        if (status != WireStatus.Ok)
        {
            return status;
        }
        var fields = new PayloadWriter(p);
        fields.WriteUInt32(firstIndex);
        fields.WriteUInt16((ushort)leafCount);
        fields.WriteByte((byte)proofLength);
        fields.WriteZeros(1); // reserved
        fields.WriteBytes(leaves);
        fields.WriteBytes(proof);
        written = MessageFrame.FinishEmit(destination, fields);
        return WireStatus.Ok;
    }
}
