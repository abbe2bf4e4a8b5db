namespace UefiRecovery.Core.Protocol;

/// <summary>
/// How an image of <see cref="ImageSize"/> bytes is cut into numbered fragments (docs/protocol.md §5.2):
/// fragment i covers bytes [i*FragmentSize, min((i+1)*FragmentSize, ImageSize)). Every fragment but the
/// last is full; the last is 1..FragmentSize bytes.
/// </summary>
public readonly struct FragmentGeometry
{
    private FragmentGeometry(uint imageSize, ushort fragmentSize, uint fragmentCount)
    {
        ImageSize = imageSize;
        FragmentSize = fragmentSize;
        FragmentCount = fragmentCount;
    }

    public uint ImageSize { get; }
    public ushort FragmentSize { get; }
    public uint FragmentCount { get; }

    /// <summary>Fragments needed for <paramref name="imageSize"/> bytes, computed without overflow.</summary>
    public static uint CountFor(uint imageSize, ushort fragmentSize)
    {
        if (fragmentSize == 0)
        {
            return 0;
        }
        return imageSize / fragmentSize + (imageSize % fragmentSize != 0 ? 1u : 0u);
    }

    /// <summary>Validates a size/fragment-size/count triple against the protocol limits.</summary>
    public static bool TryCreate(uint imageSize, ushort fragmentSize, uint fragmentCount, out FragmentGeometry geometry)
    {
        geometry = default;
        if (imageSize == 0 || fragmentSize < ProtocolLimits.MinFragmentSize || fragmentSize > ProtocolLimits.MaxFragmentSize)
        {
            return false;
        }
        if (fragmentCount != CountFor(imageSize, fragmentSize) || fragmentCount > ProtocolLimits.MaxFragmentCount)
        {
            return false;
        }
        geometry = new FragmentGeometry(imageSize, fragmentSize, fragmentCount);
        return true;
    }

    /// <summary>Byte offset of fragment <paramref name="index"/> in the image (index must be below the count).</summary>
    public ulong OffsetOf(uint index)
    {
        return (ulong)index * FragmentSize;
    }

    /// <summary>Length of fragment <paramref name="index"/>; 0 when the index is out of range.</summary>
    public int LengthOf(uint index)
    {
        if (index >= FragmentCount)
        {
            return 0;
        }
        if (index + 1 < FragmentCount)
        {
            return FragmentSize;
        }
        return (int)(ImageSize - (ulong)index * FragmentSize);
    }
}
