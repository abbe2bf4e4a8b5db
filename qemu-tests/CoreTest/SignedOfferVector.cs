using System.Security.Cryptography;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.QemuTests.CoreTest;

/// <summary>
/// A signed OFFER (docs/protocol.md §4.2) made on the host with a fresh RSA-2048 key and .NET's RSA, for the
/// firmware to verify with the portable code: the datagram and the SHA-256 of the key's modulus.
/// </summary>
internal static class SignedOfferVector
{
    public static (byte[] Datagram, byte[] KeyHash) Create(ulong requesterId, uint requesterAddress)
    {
        using RSA key = RSA.Create(2048);
        byte[] modulus = key.ExportParameters(false).Modulus!;
        FragmentGeometry.TryCreate(541344, 1432, 379, out FragmentGeometry geometry);
        ImageTypeId.TryRead(System.Convert.FromHexString("1B1A3C6E4D3F0E4F9C642A5D8B1F7E10"), out ImageTypeId type);
        var binding = new OfferBinding(0x0123456789ABCDEF, new Hash128(1, 2), 6, new Hash128(3, 4));
        var offer = new OfferMessage(0x101, 0xC8F5D0341D54D951, type, 0x00010002, 0x00010000, geometry,
            DeliveryMode.Broadcast, 0xC0A864FF, ProtocolConstants.ClientPort, 0, binding);
        byte[] datagram = new byte[OfferSignature.SignedDatagramLength];
        offer.TryBeginSignedEmit(datagram, new MessageIds(0x201, 0x1A2B3C4D, 0x4D414E4147455231), modulus);
        byte[] digest = new byte[32];
        OfferSignature.TryComputeDigest(datagram, requesterId, requesterAddress, new UefiRecovery.Core.Crypto.Sha256(), digest);
        OfferSignature.TryFinish(datagram, key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), out _);
        return (datagram, SHA256.HashData(modulus));
    }
}
