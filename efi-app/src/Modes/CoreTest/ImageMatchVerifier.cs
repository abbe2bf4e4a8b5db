#if PORTABLE_CORE

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>Accepts exactly the genuine image (byte-equal), else SignatureInvalid: the verifier seam of the loopback check.</summary>
internal sealed class ImageMatchVerifier : IImageVerifier
{
    private readonly byte[] _genuine;
    public ImageMatchVerifier(byte[] genuine) { _genuine = genuine; }
    public ImageVerdict Verify(ReadOnlySpan<byte> image, in OfferMessage offer)
    {
        return image.SequenceEqual(_genuine) ? ImageVerdict.Accept(7) : ImageVerdict.Reject(ResultReason.SignatureInvalid);
    }
}
#endif
