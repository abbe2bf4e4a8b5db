using System;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using UefiRecovery.Core.Protocol;

namespace UefiRecovery.Manager.Serving.Membership;

/// <summary>
/// Member tokens and abort keys, derived from the donor secret (docs/protocol.md §7.4) rather than stored:
/// for an OFFER of session S to sender id C at IPv4 address A,
/// token = HMAC-SHA256(secret, "URCP member token" ‖ S u32 ‖ C u64 ‖ A u32)[0..8] (1 if zero),
/// abort key = HMAC-SHA256(secret, "URCP abort key" ‖ token u64)[0..16],
/// commitment = SHA-256(abort key)[0..16]; every integer big-endian, the labels ASCII without terminator.
/// A token proves that whoever sends it saw the OFFER sent to A, so it names one member (C at A) of one session.
/// </summary>
public sealed class MembershipKeys
{
    private static readonly byte[] TokenLabel = Encoding.ASCII.GetBytes("URCP member token");
    private static readonly byte[] AbortLabel = Encoding.ASCII.GetBytes("URCP abort key");

    private readonly byte[] _secret;

    public MembershipKeys(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != DonorSecret.Length) throw new ArgumentException("the member secret is 32 bytes", nameof(secret));
        _secret = secret.ToArray();
    }

    /// <summary>The token the OFFER of session <paramref name="sessionId"/> to <paramref name="senderId"/> at <paramref name="address"/> carries.</summary>
    public ulong MemberToken(uint sessionId, ulong senderId, uint address)
    {
        Span<byte> input = stackalloc byte[TokenLabel.Length + 16];
        TokenLabel.CopyTo(input);
        BinaryPrimitives.WriteUInt32BigEndian(input.Slice(TokenLabel.Length), sessionId);
        BinaryPrimitives.WriteUInt64BigEndian(input.Slice(TokenLabel.Length + 4), senderId);
        BinaryPrimitives.WriteUInt32BigEndian(input.Slice(TokenLabel.Length + 12), address);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        ulong token = BinaryPrimitives.ReadUInt64BigEndian(mac);
        return token == 0 ? 1 : token;
    }

    public ulong MemberToken(uint sessionId, ulong senderId, IPAddress address) => MemberToken(sessionId, senderId, AddressToWire(address));

    /// <summary>True when <paramref name="token"/> is the one this donor gives (session, sender id, address): the sender saw that OFFER.</summary>
    public bool Confirms(uint sessionId, ulong senderId, IPAddress address, ulong token) =>
        token != 0 && MemberToken(sessionId, senderId, address) == token;

    /// <summary>The key a donor ABORT of this membership reveals.</summary>
    public Hash128 AbortKey(ulong memberToken)
    {
        Span<byte> input = stackalloc byte[AbortLabel.Length + 8];
        AbortLabel.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input.Slice(AbortLabel.Length), memberToken);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        return Hash128.Read(mac);
    }

    /// <summary>What the OFFER carries for the key: the first 16 bytes of SHA-256 over its 16 bytes.</summary>
    public static Hash128 CommitmentFor(Hash128 abortKey)
    {
        Span<byte> key = stackalloc byte[Hash128.Length];
        abortKey.Write(key);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(key, digest);
        return Hash128.Read(digest);
    }

    /// <summary>IPv4 address as the big-endian number the derivations use; anything else (IPv6) as 0.</summary>
    public static uint AddressToWire(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written) || written != 4) return 0;
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }
}
