namespace UefiRecovery.Core.Protocol.Manifest;

/// <summary>
/// The shape of a fragment manifest (docs/protocol.md §5.4): a binary Merkle tree over the fragment count
/// padded to a power of two, cut into aligned groups of 2^<see cref="GroupShift"/> leaves, each carried by
/// one MANIFEST with the proof from the group's subtree to the root.
/// </summary>
public readonly struct ManifestShape
{
    private ManifestShape(uint fragmentCount, int depth, int groupShift)
    {
        FragmentCount = fragmentCount;
        Depth = depth;
        GroupShift = groupShift;
    }

    public uint FragmentCount { get; }

    /// <summary>Tree height: ceil(log2(fragment count)), 0 for one fragment.</summary>
    public int Depth { get; }

    /// <summary>Effective group shift s' = min(offered shift, depth).</summary>
    public int GroupShift { get; }

    /// <summary>Leaves per group (the last group may hold fewer real ones).</summary>
    public uint GroupSize => 1u << GroupShift;

    /// <summary>Siblings in each MANIFEST's proof.</summary>
    public int ProofLength => Depth - GroupShift;

    public uint GroupCount => (FragmentCount + GroupSize - 1) >> GroupShift;

    /// <summary>A shape for <paramref name="fragmentCount"/> (1..2^24) fragments and an offered shift (0..8).</summary>
    public static bool TryCreate(uint fragmentCount, int offeredShift, out ManifestShape shape)
    {
        shape = default;
        if (fragmentCount == 0 || fragmentCount > ProtocolLimits.MaxFragmentCount || offeredShift < 0 || offeredShift > 8)
        {
            return false;
        }
        int depth = DepthFor(fragmentCount);
        shape = new ManifestShape(fragmentCount, depth, offeredShift < depth ? offeredShift : depth);
        return true;
    }

    /// <summary>ceil(log2(n)) for n ≥ 1.</summary>
    public static int DepthFor(uint n)
    {
        int depth = 0;
        while ((1UL << depth) < n)
        {
            depth++;
        }
        return depth;
    }

    public uint GroupOf(uint fragmentIndex) => fragmentIndex >> GroupShift;

    public uint FirstOf(uint group) => group << GroupShift;

    /// <summary>Real (unpadded) leaves in <paramref name="group"/>.</summary>
    public uint LeafCountOf(uint group)
    {
        uint first = FirstOf(group);
        uint remaining = FragmentCount - first;
        return remaining < GroupSize ? remaining : GroupSize;
    }

    /// <summary>Payload bytes of the largest MANIFEST of this shape.</summary>
    public int LargestManifestPayload => Wire.ManifestMessage.PayloadLengthFor((int)(FragmentCount < GroupSize ? FragmentCount : GroupSize), ProofLength);

    /// <summary>
    /// The donor's choice (§7.2 rule 4): the largest shift ≤ 8 whose MANIFEST is no longer than a DATA of
    /// the session (8 + fragment size payload bytes), so a MANIFEST never needs a bigger datagram than DATA.
    /// </summary>
    public static byte ChooseGroupShift(uint fragmentCount, ushort fragmentSize)
    {
        for (int shift = 8; shift > 0; shift--)
        {
            if (TryCreate(fragmentCount, shift, out ManifestShape shape)
                && shape.LargestManifestPayload <= ProtocolConstants.DataPrefixLength + fragmentSize)
            {
                return (byte)shape.GroupShift;
            }
        }
        return 0;
    }
}
