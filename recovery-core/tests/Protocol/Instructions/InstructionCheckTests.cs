using System;
using System.Security.Cryptography;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Instructions;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Instructions;

/// <summary>
/// The app's check of the instruction the OS agent stored (docs/protocol.md §4.11): signed by a configured key, for
/// this machine, not expired, counter above the stored one; every other case is refused with its reason and
/// yields no instruction unless the signature verified.
/// </summary>
public class InstructionCheckTests
{
    private const ulong Mac = 0x525400123456;
    private const ulong Now = 1_800_000_000;
    private const ulong LastCounter = 4;
    private static readonly SystemUuid Uuid = new(0x5EE6D83B8A3C4B53, 0x9F3D1C7F0E2A6B41);
    private static readonly RSA Signer = RSA.Create(2048);
    private static readonly RSA Stranger = RSA.Create(2048);

    private static byte[] Signed(RSA key, ulong counter = 5, ulong expiry = Now + 600, SystemUuid? uuid = null)
    {
        var instruction = new InstructionMessage(0x1122334455667788, counter, expiry, Mac, uuid ?? Uuid, default, 0x00010002,
            ManagerList.Of(new DatagramEndpoint(0x0AD80001, 40123)));
        byte[] datagram = new byte[InstructionSignature.DatagramLength];
        byte[] modulus = key.ExportParameters(false).Modulus!;
        Assert.Equal(WireStatus.Ok, instruction.TryBeginEmit(datagram, new MessageIds(7, 0, 0xD0000000000000A1), modulus));
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Sha256(), digest));
        byte[] signature = key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.Equal(WireStatus.Ok, InstructionSignature.TryFinish(datagram, signature, out _));
        return datagram;
    }

    private static KeyHashList Trusting(RSA key)
    {
        var keys = new KeyHashList("too many", "bad");
        Assert.True(keys.TryAdd(Convert.ToHexString(SHA256.HashData(key.ExportParameters(false).Modulus!)), out _));
        return keys;
    }

    private static InstructionCheckResult Check(byte[] datagram, KeyHashList keys, out InstructionMessage instruction, ulong last = LastCounter) =>
        InstructionCheck.Check(datagram, keys, new Sha256(), Uuid, last, Now, out instruction);

    [Fact]
    public void Check_SignedForThisMachine_ValidWithItsFields()
    {
        Assert.Equal(InstructionCheckResult.Valid, Check(Signed(Signer), Trusting(Signer), out InstructionMessage instruction));
        Assert.Equal(0x1122334455667788UL, instruction.InstructionId);
        Assert.True(InstructionCheck.TargetsMac(instruction, Mac));
        Assert.False(InstructionCheck.TargetsMac(instruction, Mac + 1));
        Assert.Equal(1, instruction.Managers.Count);
    }

    [Fact]
    public void Check_SignedByAnotherKey_UntrustedKeyNoInstruction()
    {
        Assert.Equal(InstructionCheckResult.UntrustedKey, Check(Signed(Stranger), Trusting(Signer), out InstructionMessage instruction));
        Assert.Equal(0UL, instruction.InstructionId);
    }

    [Fact]
    public void Check_NoConfiguredKey_NoTrustedKeys()
    {
        Assert.Equal(InstructionCheckResult.NoTrustedKeys, Check(Signed(Signer), new KeyHashList("too many", "bad"), out _));
    }

    public static TheoryData<string, int> SignedFieldOffsets() => new()
    {
        { "instruction id", MessageHeader.Length + 0 },
        { "counter", MessageHeader.Length + 8 },
        { "expiry", MessageHeader.Length + 16 },
        { "target MAC", MessageHeader.Length + 24 },
        { "system UUID", MessageHeader.Length + 40 },
        { "manager address", MessageHeader.Length + 75 },
    };

    [Theory]
    [MemberData(nameof(SignedFieldOffsets))]
    public void Check_SignedByteChangedAndCrcRepaired_BadSignatureNoInstruction(string field, int offset)
    {
        byte[] datagram = Signed(Signer);
        datagram[offset] ^= 0x01;
        UefiRecovery.Core.Tests.Protocol.Wire.MessageReemitter.FixCrc(datagram);

        Assert.True(Check(datagram, Trusting(Signer), out InstructionMessage instruction) == InstructionCheckResult.BadSignature, field);
        Assert.Equal(0UL, instruction.InstructionId);
    }

    [Fact]
    public void Check_UnsignedKind_Malformed()
    {
        byte[] datagram = Signed(Signer);
        datagram[MessageHeader.Length + 31] = 0;
        UefiRecovery.Core.Tests.Protocol.Wire.MessageReemitter.FixCrc(datagram);

        Assert.Equal(InstructionCheckResult.Malformed, Check(datagram, Trusting(Signer), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(InstructionSignature.DatagramLength - 1)]
    public void Check_Truncated_Malformed(int length)
    {
        Assert.Equal(InstructionCheckResult.Malformed, Check(Signed(Signer).AsSpan(0, length).ToArray(), Trusting(Signer), out _));
    }

    [Fact]
    public void Check_AnotherSystemUuid_OtherMachine()
    {
        byte[] datagram = Signed(Signer, uuid: new SystemUuid(1, 2));
        Assert.Equal(InstructionCheckResult.OtherMachine, Check(datagram, Trusting(Signer), out _));
    }

    [Fact]
    public void Check_OwnUuidUnreadable_OtherMachine()
    {
        Assert.Equal(InstructionCheckResult.OtherMachine,
            InstructionCheck.Check(Signed(Signer), Trusting(Signer), new Sha256(), default, LastCounter, Now, out _));
    }

    [Theory]
    [InlineData(Now)]
    [InlineData(Now - 1)]
    public void Check_ExpiryReached_Expired(ulong expiry)
    {
        Assert.Equal(InstructionCheckResult.Expired, Check(Signed(Signer, expiry: expiry), Trusting(Signer), out _));
    }

    [Theory]
    [InlineData(LastCounter)]
    [InlineData(LastCounter - 1)]
    public void Check_CounterNotAboveStored_Replayed(ulong counter)
    {
        Assert.Equal(InstructionCheckResult.Replayed, Check(Signed(Signer, counter: counter), Trusting(Signer), out _));
    }

    [Fact]
    public void Check_SameInstructionAfterItsCounterWasStored_Replayed()
    {
        byte[] datagram = Signed(Signer, counter: 9);
        Assert.Equal(InstructionCheckResult.Valid, Check(datagram, Trusting(Signer), out InstructionMessage taken));

        Assert.Equal(InstructionCheckResult.Replayed, Check(datagram, Trusting(Signer), out _, last: taken.Counter));
    }
}
