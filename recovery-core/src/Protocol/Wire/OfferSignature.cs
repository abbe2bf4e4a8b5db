using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The optional RSA-2048 signature of an OFFER (docs/protocol.md §4.2, §6.8): RSASSA-PKCS1-v1_5 with
/// SHA-256 over the first 384 bytes of the datagram (header with the CRC field as zero, the fixed fields,
/// the modulus) followed by the requester's sender id and the IPv4 address the donor saw the REQUEST come
/// from, which bind the offer to the machine that asked (at the address its token is for) without sending
/// either: an OFFER the manager signed for a relayed copy of another machine's REQUEST does not verify there. The donor signs the digest with its private key; the client checks the modulus
/// against its trusted hashes before spending an RSA operation on it.
/// </summary>
public static class OfferSignature
{
    /// <summary>Modulus and signature size of RSA-2048.</summary>
    public const int Rsa2048Bytes = 256;

    /// <summary>Modulus plus signature after the fixed fields.</summary>
    public const int Rsa2048BlockLength = 2 * Rsa2048Bytes;

    /// <summary>Datagram bytes covered by the signature (before the requester id is appended).</summary>
    public const int SignedLength = MessageHeader.Length + OfferMessage.PayloadLength + Rsa2048Bytes;

    /// <summary>The whole datagram of a signed OFFER.</summary>
    public const int SignedDatagramLength = MessageHeader.Length + OfferMessage.SignedPayloadLength;

    // OfferMessage's signature-kind byte, relative to the payload.
    private const int SignatureKindPayloadOffset = 55;

    private static ReadOnlySpan<byte> PublicExponent => new byte[] { 0x01, 0x00, 0x01 };

    /// <summary>
    /// SHA-256 of what the signature covers, from a datagram laid out by
    /// <see cref="OfferMessage.TryBeginSignedEmit"/> (or received): the CRC field is hashed as zero whatever
    /// it holds. False when <paramref name="datagram"/> is not a whole signed OFFER.
    /// </summary>
    public static bool TryComputeDigest(ReadOnlySpan<byte> datagram, ulong requesterId, uint requesterAddress, Sha256 sha, Span<byte> digest)
    {
        if (datagram.Length != SignedDatagramLength || digest.Length < Sha256.DigestSize)
        {
            return false;
        }
        Span<byte> scratch = stackalloc byte[12];
        sha.Initialize();
        sha.Append(datagram.Slice(0, MessageHeader.CrcOffset));
        scratch.Slice(0, 4).Clear();
        sha.Append(scratch.Slice(0, 4));
        sha.Append(datagram.Slice(MessageHeader.Length, SignedLength - MessageHeader.Length));
        BinaryPrimitives.WriteUInt64BigEndian(scratch, requesterId);
        BinaryPrimitives.WriteUInt32BigEndian(scratch.Slice(8), requesterAddress);
        sha.Append(scratch);
        return sha.Finish(digest);
    }

    /// <summary>Second half of a signed emit: stores <paramref name="signature"/> and the CRC.</summary>
    public static WireStatus TryFinish(Span<byte> destination, ReadOnlySpan<byte> signature, out int written)
    {
        written = 0;
        if (signature.Length != Rsa2048Bytes)
        {
            return WireStatus.BadField;
        }
        if (destination.Length < SignedDatagramLength)
        {
            return WireStatus.BufferTooSmall;
        }
        signature.CopyTo(destination.Slice(SignedLength));
        written = MessageFrame.FinishEmit(destination, SignedDatagramLength);
        return WireStatus.Ok;
    }

    /// <summary>
    /// Checks a received OFFER against the trusted manager key hashes (SHA-256 of the modulus, 32 bytes
    /// each, concatenated). The cheap checks come first: kind, then the modulus hash, and only then RSA.
    /// </summary>
    public static OfferSignatureCheck Check(
        in MessageFrame frame, ulong requesterId, uint requesterAddress, ReadOnlySpan<byte> trustedModulusHashes, Sha256 sha)
    {
        OfferSignatureCheck key = CheckKey(frame, trustedModulusHashes, sha);
        if (key != OfferSignatureCheck.Valid)
        {
            return key;
        }
        return VerifyTrustedKeySignature(frame, requesterId, requesterAddress, sha) ? OfferSignatureCheck.Valid : OfferSignatureCheck.BadSignature;
    }

    /// <summary>
    /// The cheap half: is the OFFER signed, and with a trusted modulus? (one SHA-256 of 256 bytes).
    /// Valid here means "the key is trusted"; the signature is <see cref="VerifyTrustedKeySignature"/>'s job.
    /// </summary>
    public static OfferSignatureCheck CheckKey(in MessageFrame frame, ReadOnlySpan<byte> trustedModulusHashes, Sha256 sha)
    {
        ReadOnlySpan<byte> message = frame.Message;
        if (frame.Type != MessageType.Offer || message.Length != SignedDatagramLength
            || frame.Payload[SignatureKindPayloadOffset] != (byte)OfferSignatureKind.Rsa2048Sha256)
        {
            return OfferSignatureCheck.Unsigned;
        }
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        sha.Initialize();
        sha.Append(message.Slice(MessageHeader.Length + OfferMessage.PayloadLength, Rsa2048Bytes));
        sha.Finish(digest);
        return IsListed(digest, trustedModulusHashes) ? OfferSignatureCheck.Valid : OfferSignatureCheck.UntrustedKey;
    }

    /// <summary>The expensive half: one RSA-2048 public operation. Call only after <see cref="CheckKey"/> said the key is trusted.</summary>
    public static bool VerifyTrustedKeySignature(in MessageFrame frame, ulong requesterId, uint requesterAddress, Sha256 sha)
    {
        ReadOnlySpan<byte> message = frame.Message;
        Span<byte> digest = stackalloc byte[Sha256.DigestSize];
        if (!TryComputeDigest(message, requesterId, requesterAddress, sha, digest))
        {
            return false;
        }
        ReadOnlySpan<byte> modulus = message.Slice(MessageHeader.Length + OfferMessage.PayloadLength, Rsa2048Bytes);
        ReadOnlySpan<byte> signature = message.Slice(SignedLength, Rsa2048Bytes);
        return RsaPkcs1Verifier.Verify(modulus, PublicExponent, digest, signature) == RsaVerifyResult.Valid;
    }

    private static bool IsListed(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> list)
    {
        for (int i = 0; i + Sha256.DigestSize <= list.Length; i += Sha256.DigestSize)
        {
            if (list.Slice(i, Sha256.DigestSize).SequenceEqual(hash))
            {
                return true;
            }
        }
        return false;
    }
}
