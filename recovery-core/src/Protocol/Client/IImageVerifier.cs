using System;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Core.Protocol.Client;

/// <summary>
/// Checks a complete image before anything is written (docs/protocol.md §6.7): capsule structure,
/// trusted key and signature, platform/image type, version ≥ lowest acceptable. The EFI app plugs the
/// capsule verifier in here; a rejected image makes the client try another donor.
/// </summary>
public interface IImageVerifier
{
    ImageVerdict Verify(ReadOnlySpan<byte> image, in OfferMessage offer);
}
