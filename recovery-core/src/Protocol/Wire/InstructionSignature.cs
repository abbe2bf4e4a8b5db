using System;
using UefiRecovery.Core.Crypto;

namespace UefiRecovery.Core.Protocol.Wire;

/// <summary>
/// The signature of a RECOVERY_INSTRUCTION (docs/protocol.md §4.11): RSASSA-PKCS1-v1_5 with SHA-256 over
/// the datagram's first 392 bytes (header with the CRC field as zero, the 104 fixed bytes and the modulus).
/// Unlike an OFFER's, nothing is appended: the instruction names its target itself (MAC and system UUID).
/// The CRC is computed last, over the whole message including the signature. Who checks the RSA is the
/// caller's choice (the agent uses .NET's RSA; the app would use <see cref="RsaPkcs1Verifier"/>).
/// </summary>
public static class InstructionSignature
{
    /// <summary>Datagram bytes the signature covers.</summary>
    public const int SignedLength = MessageHeader.Length + InstructionMessage.FixedLength + OfferSignature.Rsa2048Bytes;

    /// <summary>The whole datagram.</summary>
    public const int DatagramLength = MessageHeader.Length + InstructionMessage.PayloadLength;

    /// <summary>SHA-256 of what the signature covers (the CRC field hashed as zero, whatever it holds).</summary>
    public static bool TryComputeDigest(ReadOnlySpan<byte> datagram, Sha256 sha, Span<byte> digest)
    {
        if (datagram.Length != DatagramLength || digest.Length < Sha256.DigestSize)
        {
            return false;
        }
        Span<byte> zeroCrc = stackalloc byte[4];
        zeroCrc.Clear();
        sha.Initialize();
        sha.Append(datagram.Slice(0, MessageHeader.CrcOffset));
        sha.Append(zeroCrc);
        sha.Append(datagram.Slice(MessageHeader.Length, SignedLength - MessageHeader.Length));
        return sha.Finish(digest);
    }

    /// <summary>The modulus a received instruction carries (256 bytes); empty when the datagram is not one.</summary>
    public static ReadOnlySpan<byte> Modulus(ReadOnlySpan<byte> datagram)
    {
        return datagram.Length == DatagramLength
            ? datagram.Slice(MessageHeader.Length + InstructionMessage.FixedLength, OfferSignature.Rsa2048Bytes)
            : ReadOnlySpan<byte>.Empty;
    }

    /// <summary>The signature a received instruction carries (256 bytes); empty when the datagram is not one.</summary>
    public static ReadOnlySpan<byte> Signature(ReadOnlySpan<byte> datagram)
    {
        return datagram.Length == DatagramLength
            ? datagram.Slice(SignedLength, OfferSignature.Rsa2048Bytes)
            : ReadOnlySpan<byte>.Empty;
    }

    /// <summary>Second half of an emit (after <see cref="InstructionMessage.TryBeginEmit"/>): stores the signature and the CRC.</summary>
    public static WireStatus TryFinish(Span<byte> destination, ReadOnlySpan<byte> signature, out int written)
    {
        written = 0;
        if (signature.Length != OfferSignature.Rsa2048Bytes)
        {
            return WireStatus.BadField;
        }
        if (destination.Length < DatagramLength)
        {
            return WireStatus.BufferTooSmall;
        }
        signature.CopyTo(destination.Slice(SignedLength));
        written = MessageFrame.FinishEmit(destination, DatagramLength);
        return WireStatus.Ok;
    }
}
