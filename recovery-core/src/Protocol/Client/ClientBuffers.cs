using System;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// The two large buffers of a client session, the image and the manifest leaves, when the host hands them in
/// (<see cref="ClientConfig.SharedBuffers"/>) instead of the session allocating its own. For a host that runs
/// thousands of sessions receiving one image from one honest donor (the manager's fleet model): they can share one
/// set, because a session writes into the image only a fragment's own bytes at that fragment's offset (received, or
/// decoded and then checked against its leaf) and into the leaves only leaves a MANIFEST proved against the offer's
/// root, so every session writes the same bytes to the same places. What each session holds stays its own (its
/// bitmaps); its verifier then sees bytes other sessions may have written. Never share them where a forged DATA or
/// PARITY can arrive: a tentative or rejected write would reach every session. The firmware never sets them.
/// </summary>
public sealed class ClientBuffers
{
    /// <summary>Buffers for a session whose <see cref="ClientConfig.ImageCapacity"/> is <paramref name="imageCapacity"/>.</summary>
    public ClientBuffers(uint imageCapacity)
    {
        Image = new byte[imageCapacity];
        Leaves = new Hash128[LeafCapacityFor(imageCapacity)];
    }

    public byte[] Image { get; }

    public Hash128[] Leaves { get; }

    /// <summary>Fragments an image of this capacity can have at most (the smallest fragment size): one leaf each.</summary>
    public static uint LeafCapacityFor(uint imageCapacity)
    {
        return Math.Min(FragmentGeometry.CountFor(imageCapacity, (ushort)ProtocolLimits.MinFragmentSize), ProtocolLimits.MaxFragmentCount);
    }
}
