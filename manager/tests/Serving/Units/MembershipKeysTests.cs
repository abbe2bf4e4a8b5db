using System;
using System.Net;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Sessions;
using Xunit;

namespace UefiRecovery.Manager.Tests.Serving.Units;

/// <summary>
/// Member tokens and abort keys (docs/protocol.md §7.4). The expected values were computed independently
/// with Python's hmac/hashlib (secret = bytes 0..31, session 0x1A2B3C4D, sender 0x0000525400123456,
/// address 192.168.100.20, every integer big-endian, the labels in ASCII):
/// <code>
/// t = hmac.new(secret, b"URCP member token" + struct.pack(">IQI", S, C, A), sha256).digest()[:8]
/// k = hmac.new(secret, b"URCP abort key" + t, sha256).digest()[:16];  c = sha256(k).digest()[:16]
/// </code>
/// </summary>
public sealed class MembershipKeysTests
{
    private const uint Session = 0x1A2B3C4D;
    private const ulong Sender = 0x0000525400123456;
    private static readonly IPAddress Address = IPAddress.Parse("192.168.100.20");

    private static MembershipKeys Keys()
    {
        var secret = new byte[32];
        for (int i = 0; i < secret.Length; i++) secret[i] = (byte)i;
        return new MembershipKeys(secret);
    }

    public static TheoryData<uint, string, ulong> TokenVectors => new()
    {
        { Session, "192.168.100.20", 0x12cf312fc0fb24afUL },
        { Session, "192.168.100.21", 0x115177772a1d9052UL },
        { Session + 1, "192.168.100.20", 0x2104b56e85baa1cdUL },
    };

    [Theory]
    [MemberData(nameof(TokenVectors))]
    public void MemberToken_FixedVectors_MatchIndependentHmac(uint session, string address, ulong expected)
    {
        Assert.Equal(expected, Keys().MemberToken(session, Sender, IPAddress.Parse(address)));
    }

    [Fact]
    public void AbortKey_FixedVector_MatchesIndependentHmacAndCommitment()
    {
        Hash128 key = Keys().AbortKey(0x12cf312fc0fb24afUL);
        Assert.Equal(new Hash128(0xb8e94cf8474077d0UL, 0x757a51e9444d6ee5UL), key);
        Assert.Equal(new Hash128(0xad539341522a6cb9UL, 0x1b3840d3bdd2965dUL), MembershipKeys.CommitmentFor(key));
    }

    [Fact]
    public void MemberTag_FixedVector_IsFirstFourBytesOfSha256OfToken()
    {
        Assert.Equal("0afe7811", SessionClient.TagFor(0x12cf312fc0fb24afUL));
    }

    [Fact]
    public void Confirms_SameMacFromAnotherAddressOrWithAnotherSecret_False()
    {
        MembershipKeys keys = Keys();
        ulong token = keys.MemberToken(Session, Sender, Address);
        Assert.True(keys.Confirms(Session, Sender, Address, token));
        Assert.False(keys.Confirms(Session, Sender, IPAddress.Parse("192.168.100.99"), token));
        Assert.False(keys.Confirms(Session, Sender + 1, Address, token));
        Assert.False(keys.Confirms(Session + 1, Sender, Address, token));
        Assert.False(keys.Confirms(Session, Sender, Address, 0));
        var other = new byte[32];
        other[0] = 1;
        Assert.False(new MembershipKeys(other).Confirms(Session, Sender, Address, token));
    }

    [Fact]
    public void Constructor_SecretNot32Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MembershipKeys(new byte[31]));
    }
}
