using System;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// Stands in for the capsule verifier: accepts exactly the genuine image bytes (as a signature check
/// would) and rejects anything else as SignatureInvalid. Allocation-free.
/// </summary>
internal sealed class ExpectedImageVerifier : IImageVerifier
{
    private readonly byte[] _genuine;
    private readonly uint _version;

    public ExpectedImageVerifier(byte[] genuine, uint version)
    {
        _genuine = genuine;
        _version = version;
    }

    public int Calls { get; private set; }
    public int Rejections { get; private set; }
    public ulong LastOfferImageId { get; private set; }

    public ImageVerdict Verify(ReadOnlySpan<byte> image, in OfferMessage offer)
    {
        Calls++;
        LastOfferImageId = offer.ImageId;
        if (image.SequenceEqual(_genuine))
        {
            return ImageVerdict.Accept(_version);
        }
        Rejections++;
        return ImageVerdict.Reject(ResultReason.SignatureInvalid);
    }
}
