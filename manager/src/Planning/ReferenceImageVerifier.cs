using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Manager.Planning;

/// <summary>
/// What a modelled machine checks before it "writes" (docs/protocol.md §6.7): the assembled bytes equal the served
/// image. The capsule signature is not checked (the model's image is random bytes, not a capsule; that check costs
/// each real machine the same whatever the fleet). A machine with its own buffer is compared in full; the shared
/// buffer (<see cref="ClientBuffers"/>) is compared in full the first time and taken as checked after: only bytes that
/// passed the manifest are ever written to it, and the model checks it once more at the end of the run.
/// </summary>
public sealed class ReferenceImageVerifier(byte[] image, byte[]? sharedBuffer) : IImageVerifier
{
    private bool _sharedChecked;

    /// <summary>Images compared in full, and images rejected.</summary>
    public long Compared { get; private set; }
    public long Rejected { get; private set; }

    public ImageVerdict Verify(ReadOnlySpan<byte> assembled, in OfferMessage offer)
    {
        bool shared = sharedBuffer is not null && assembled.Length == image.Length
            && Unsafe.AreSame(ref MemoryMarshal.GetReference(assembled), ref MemoryMarshal.GetArrayDataReference(sharedBuffer));
        if (shared && _sharedChecked) return ImageVerdict.Accept(offer.ImageVersion);
        Compared++;
        if (!assembled.SequenceEqual(image))
        {
            Rejected++;
            return ImageVerdict.Reject(ResultReason.ImageIdMismatch);
        }
        if (shared) _sharedChecked = true;
        return ImageVerdict.Accept(offer.ImageVersion);
    }
}
