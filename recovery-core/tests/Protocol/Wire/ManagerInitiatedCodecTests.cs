using System;
using System.Security.Cryptography;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

/// <summary>
/// RECOVERY_INSTRUCTION, READINESS and AGENT_REPORT (docs/protocol.md §4.11-§4.13) against the Annex A examples,
/// which annex_examples.py encoded and signed (pure-Python PKCS#1 v1.5) independently of this codec.
/// </summary>
public class ManagerInitiatedCodecTests
{
    private static SystemUuid ExampleUuid() => SystemUuid.Read(Convert.FromHexString(ExampleDatagrams.SystemUuidHex));

    private static ImageTypeId ExampleType()
    {
        Assert.True(ImageTypeId.TryRead(Convert.FromHexString(ExampleDatagrams.ImageTypeHex), out ImageTypeId type));
        return type;
    }

    private static MessageFrame Frame(byte[] datagram)
    {
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
        return frame;
    }

    private static InstructionMessage ExampleInstruction(ManagerList managers)
    {
        return new InstructionMessage(ExampleDatagrams.InstructionId, 5, 1893456000, 0x525400123456, ExampleUuid(), ExampleType(),
            0x00010002, managers);
    }

    private static ManagerList ExampleManagers() => ManagerList.Of(new DatagramEndpoint(0xC0A86401, 40123));

    [Fact]
    public void InstructionTryParse_Example_DecodesEveryField()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Instruction));

        Assert.Equal(WireStatus.Ok, InstructionMessage.TryParse(frame, out InstructionMessage m));
        Assert.Equal(0x301u, frame.Header.MessageId);
        Assert.Equal(0u, frame.Header.SessionId);
        Assert.Equal(ExampleDatagrams.DonorId, frame.Header.SenderId);
        Assert.Equal(ExampleDatagrams.InstructionId, m.InstructionId);
        Assert.Equal(5UL, m.Counter);
        Assert.Equal(1893456000UL, m.ExpiryUnixSeconds);
        Assert.Equal(0x525400123456UL, m.TargetMac);
        Assert.True(m.TargetUuid.Equals(ExampleUuid()));
        Assert.True(m.ImageType.Matches(ExampleType()));
        Assert.Equal(0x00010002u, m.ImageVersion);
        Assert.Equal(1, m.Managers.Count);
        Assert.Equal(0xC0A86401u, m.Managers[0].Address);
        Assert.Equal(40123, m.Managers[0].Port);
        Assert.Equal(ExampleDatagrams.InstructionModulusHex, Convert.ToHexString(InstructionSignature.Modulus(frame.Message)));
    }

    [Fact]
    public void InstructionTryEmit_ExampleValuesAndPythonSignature_MatchesAnnex()
    {
        byte[] annex = ExampleDatagrams.Bytes(ExampleDatagrams.Instruction);
        byte[] output = new byte[InstructionSignature.DatagramLength];

        Assert.Equal(WireStatus.Ok, ExampleInstruction(ExampleManagers()).TryBeginEmit(
            output, new MessageIds(0x301, 0, ExampleDatagrams.DonorId), Convert.FromHexString(ExampleDatagrams.InstructionModulusHex)));
        Assert.Equal(WireStatus.Ok, InstructionSignature.TryFinish(output, InstructionSignature.Signature(annex), out int written));

        Assert.Equal(annex.Length, written);
        Assert.Equal(ExampleDatagrams.Instruction, Convert.ToHexString(output));
    }

    /// <summary>The portable digest and .NET's RSA agree with the signature Python made with pow().</summary>
    [Fact]
    public void InstructionSignature_AnnexExample_VerifiesWithItsModulus()
    {
        byte[] datagram = ExampleDatagrams.Bytes(ExampleDatagrams.Instruction);

        Assert.True(VerifiesWithBcl(datagram));
    }

    public static TheoryData<string, int> SignedByteCases() => new TheoryData<string, int>
    {
        { "header message id", 8 },
        { "instruction id", 32 },
        { "counter", 32 + 15 },
        { "expiry", 32 + 23 },
        { "target MAC", 32 + 29 },
        { "system UUID", 32 + 47 },
        { "image version", 32 + 67 },
        { "manager port", 32 + 77 },
        { "modulus", 32 + 200 },
    };

    [Theory]
    [MemberData(nameof(SignedByteCases))]
    public void InstructionSignature_SignedByteChangedAndCrcRepaired_DoesNotVerify(string name, int offset)
    {
        byte[] datagram = ExampleDatagrams.Bytes(ExampleDatagrams.Instruction);
        datagram[offset] ^= 0x01;
        MessageReemitter.FixCrc(datagram);
        Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out _));

        Assert.False(VerifiesWithBcl(datagram), name);
    }

    [Fact]
    public void InstructionSignature_CrcFieldIsNotSigned_DigestUnchanged()
    {
        byte[] datagram = ExampleDatagrams.Bytes(ExampleDatagrams.Instruction);
        byte[] before = new byte[Sha256.DigestSize];
        byte[] after = new byte[Sha256.DigestSize];
        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Sha256(), before));
        datagram[MessageHeader.CrcOffset] ^= 0xFF;

        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Sha256(), after));
        Assert.Equal(before, after);
    }

    [Fact]
    public void InstructionSignature_WrongLength_NoDigestNoModulus()
    {
        byte[] datagram = ExampleDatagrams.Bytes(ExampleDatagrams.Instruction);
        byte[] digest = new byte[Sha256.DigestSize];

        Assert.False(InstructionSignature.TryComputeDigest(datagram.AsSpan(0, datagram.Length - 1), new Sha256(), digest));
        Assert.True(InstructionSignature.Modulus(datagram.AsSpan(1)).IsEmpty);
        Assert.True(InstructionSignature.Signature(datagram.AsSpan(1)).IsEmpty);
    }

    public static TheoryData<string, ulong, ulong, ulong, bool, int> BadInstructionCases() => new TheoryData<string, ulong, ulong, ulong, bool, int>
    {
        // name, instruction id, counter, MAC, UUID unset, manager count
        { "instruction id 0", 0, 5, 0x525400123456, false, 1 },
        { "counter 0", 1, 0, 0x525400123456, false, 1 },
        { "MAC 0", 1, 5, 0, false, 1 },
        { "MAC over 48 bits", 1, 5, 0x1_0000_0000_0000, false, 1 },
        { "UUID unset", 1, 5, 0x525400123456, true, 1 },
        { "no manager", 1, 5, 0x525400123456, false, 0 },
    };

    [Theory]
    [MemberData(nameof(BadInstructionCases))]
    public void InstructionTryBeginEmit_ForbiddenValue_BadFieldAndWritesNothing(string name, ulong id, ulong counter, ulong mac, bool unsetUuid, int managers)
    {
        var message = new InstructionMessage(id, counter, 1893456000, mac, unsetUuid ? default : ExampleUuid(), ExampleType(), 1,
            managers == 0 ? default : ExampleManagers());
        byte[] output = new byte[InstructionSignature.DatagramLength];
        Array.Fill(output, (byte)0xA5);

        WireStatus status = message.TryBeginEmit(output, new MessageIds(1, 0, ExampleDatagrams.DonorId),
            Convert.FromHexString(ExampleDatagrams.InstructionModulusHex));

        Assert.True(status == WireStatus.BadField, name + ": " + status);
        Assert.All(output, b => Assert.Equal(0xA5, b));
    }

    [Fact]
    public void ManagerList_FourManagers_RoundTripAndFifthRefused()
    {
        ManagerList list = default;
        for (uint i = 1; i <= 4; i++)
        {
            Assert.True(list.TryAdd(new DatagramEndpoint(0x0A000000 + i, (ushort)(40000 + i)), out list));
        }
        byte[] slots = new byte[ManagerList.WireLength];

        Assert.False(list.TryAdd(new DatagramEndpoint(0x0A000005, 1), out _));
        Assert.True(list.TryWrite(slots));
        Assert.True(ManagerList.TryRead(slots, 4, out ManagerList read));
        Assert.Equal(4, read.Count);
        Assert.Equal(0x0A000004u, read[3].Address);
        Assert.Equal(40004, read[3].Port);
        Assert.False(ManagerList.TryRead(slots, 3, out _));
    }

    [Fact]
    public void ReadinessTryParse_Example_DecodesEveryField()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Readiness));

        Assert.Equal(WireStatus.Ok, ReadinessMessage.TryParse(frame, out ReadinessMessage m));
        Assert.Equal(ExampleDatagrams.ClientId, frame.Header.SenderId);
        Assert.Equal(ExampleDatagrams.InstructionId, m.InstructionId);
        Assert.Equal(0x525400123456UL, m.MacAddress);
        Assert.True(m.SystemUuid.Equals(ExampleUuid()));
        Assert.True(m.ImageType.Matches(ExampleType()));
        Assert.Equal(0x00010001u, m.CurrentVersion);
        Assert.Equal(0xC0A86414u, m.Ipv4Address);
    }

    [Fact]
    public void ReadinessTryEmit_ExampleValues_MatchesAnnex()
    {
        var m = new ReadinessMessage(ExampleDatagrams.InstructionId, 0x525400123456, ExampleUuid(), ExampleType(), 0x00010001, 0xC0A86414);
        byte[] output = new byte[200];

        Assert.Equal(WireStatus.Ok, m.TryEmit(output, new MessageIds(0x107, 0, ExampleDatagrams.ClientId), out int written));
        Assert.Equal(ExampleDatagrams.Readiness, Convert.ToHexString(output, 0, written));
    }

    [Fact]
    public void ReadinessTryEmit_SenderIsNotTheMac_BadField()
    {
        var m = new ReadinessMessage(ExampleDatagrams.InstructionId, 0x525400123456, ExampleUuid(), ExampleType(), 1, 0);

        Assert.Equal(WireStatus.BadField, m.TryEmit(new byte[200], new MessageIds(1, 0, ExampleDatagrams.DonorId), out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void AgentReportTryParse_Example_DecodesEveryField()
    {
        MessageFrame frame = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.AgentReport));

        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(frame, out AgentReportMessage m, out ReadOnlySpan<byte> version));
        Assert.Equal(ExampleDatagrams.InstructionId, m.InstructionId);
        Assert.Equal(5UL, m.Counter);
        Assert.Equal(0x525400123456UL, m.MacAddress);
        Assert.Equal(AgentState.Rebooting, m.State);
        Assert.True(m.SystemUuid.Equals(ExampleUuid()));
        Assert.Equal(AgentFailure.None, m.Failure);
        Assert.Equal(5, m.BootEntry);
        Assert.Equal("edk2-stable202211", System.Text.Encoding.ASCII.GetString(version));
    }

    [Fact]
    public void AgentReportTryEmit_ExampleValues_MatchesAnnex()
    {
        var m = new AgentReportMessage(ExampleDatagrams.InstructionId, 5, 0x525400123456, AgentState.Rebooting, ExampleUuid(), AgentFailure.None, 5);
        byte[] output = new byte[200];

        Assert.Equal(WireStatus.Ok, m.TryEmit(output, new MessageIds(0x401, 0, ExampleDatagrams.ClientId), "edk2-stable202211"u8, out int written));
        Assert.Equal(ExampleDatagrams.AgentReport, Convert.ToHexString(output, 0, written));
    }

    [Fact]
    public void AgentReport_FailedNoEfivarfs_RoundTrips()
    {
        var m = new AgentReportMessage(7, 9, 0x525400123456, AgentState.Failed, ExampleUuid(), AgentFailure.NoEfivarfs, AgentReportMessage.NoBootEntry);
        byte[] output = new byte[200];
        Assert.Equal(WireStatus.Ok, m.TryEmit(output, new MessageIds(1, 0, 0x525400123456), ReadOnlySpan<byte>.Empty, out int written));

        Assert.Equal(WireStatus.Ok, AgentReportMessage.TryParse(Frame(output.AsSpan(0, written).ToArray()), out AgentReportMessage read, out ReadOnlySpan<byte> version));
        Assert.Equal(AgentState.Failed, read.State);
        Assert.Equal(AgentFailure.NoEfivarfs, read.Failure);
        Assert.Equal(AgentReportMessage.NoBootEntry, read.BootEntry);
        Assert.True(version.IsEmpty);
    }

    public static TheoryData<string, byte, ushort, int> BadReportCases() => new TheoryData<string, byte, ushort, int>
    {
        // name, state, failure, version length
        { "failed without reason", 2, 0, 3 },
        { "rebooting with reason", 1, 1, 3 },
        { "state 0", 0, 0, 3 },
        { "version 65 bytes", 1, 0, 65 },
    };

    [Theory]
    [MemberData(nameof(BadReportCases))]
    public void AgentReportTryEmit_ForbiddenValue_BadFieldAndWritesNothing(string name, byte state, ushort failure, int versionLength)
    {
        var m = new AgentReportMessage(1, 1, 0x525400123456, (AgentState)state, ExampleUuid(), (AgentFailure)failure, 0);
        byte[] version = new byte[versionLength];
        Array.Fill(version, (byte)'a');
        byte[] output = new byte[200];

        WireStatus status = m.TryEmit(output, new MessageIds(1, 0, 0x525400123456), version, out int written);

        Assert.True(status == WireStatus.BadField, name + ": " + status);
        Assert.Equal(0, written);
        Assert.All(output, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TypedTryParse_ManagerInitiatedOnOtherType_WrongType()
    {
        MessageFrame accept = Frame(ExampleDatagrams.Bytes(ExampleDatagrams.Accept));

        Assert.Equal(WireStatus.WrongType, InstructionMessage.TryParse(accept, out _));
        Assert.Equal(WireStatus.WrongType, ReadinessMessage.TryParse(accept, out _));
        Assert.Equal(WireStatus.WrongType, AgentReportMessage.TryParse(accept, out _, out _));
    }

    private static bool VerifiesWithBcl(byte[] datagram)
    {
        byte[] digest = new byte[Sha256.DigestSize];
        Assert.True(InstructionSignature.TryComputeDigest(datagram, new Sha256(), digest));
        using RSA rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = InstructionSignature.Modulus(datagram).ToArray(),
            Exponent = new byte[] { 1, 0, 1 },
        });
        return rsa.VerifyHash(digest, InstructionSignature.Signature(datagram).ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
