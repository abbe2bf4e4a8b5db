using System;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>
/// Stands in for the capsule verifier: accepts exactly the genuine image bytes (as a signature check
/// would), reporting the version they carry, and rejects anything else as SignatureInvalid. Allocation-free.
/// </summary>
internal sealed class ExpectedImageVerifier : IImageVerifier
{
    private readonly byte[] _genuine;
    private readonly uint _version;
    private byte[]? _other;
    private uint _otherVersion;

    public ExpectedImageVerifier(byte[] genuine, uint version)
    {
        _genuine = genuine;
        _version = version;
    }

    /// <summary>Also accepts <paramref name="image"/>, which carries <paramref name="version"/> (a second genuine release).</summary>
    public void AlsoAccept(byte[] image, uint version)
    {
        _other = image;
        _otherVersion = version;
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
        if (_other is not null && image.SequenceEqual(_other))
        {
            return ImageVerdict.Accept(_otherVersion);
        }
        Rejections++;
        return ImageVerdict.Reject(ResultReason.SignatureInvalid);
    }
}
