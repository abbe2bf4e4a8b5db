using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UefiRecovery.Core.Crypto;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Image.Pkcs7;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Fuzz.Seeds;
using UefiRecovery.Fuzz.Targets;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Iface;
using UefiRecovery.Netstack.Socket;
using Xunit;

namespace UefiRecovery.Fuzz.Tests;

/// <summary>
/// The seeds reach deep code, not only the first rejection: the signed seeds verify, every protocol message
/// type has a parser and an accepted seed, the DHCP seed really gets a lease.
/// </summary>
public sealed class SeedDepthTests
{
    [Fact]
    public void CapsuleCorpus_Rsa2048Seeds_VerifyWithTheirOwnKey()
    {
        int verified = 0;
        foreach ((string name, byte[] capsule) in CheckedInCorpus.Read(Paths.FuzzDir, "capsule"))
        {
            Assert.Equal(CapsuleStatus.Ok, CapsuleParser.TryParse(capsule, out FmpCapsule parsed));
            if (!parsed.Authentication.IsRsa2048Sha256) continue;
            var trust = new TrustStore(1, 0, 0);
            byte[] hash = new byte[Sha256.DigestSize];
            Sha256.Hash(parsed.CertificateData.Slice(16, 256), hash);
            trust.TryAddKeyHash(hash);
            Assert.Equal(CapsuleStatus.Ok, new CapsuleVerifier(trust).Authenticate(parsed).Status);
            verified++;
        }
        Assert.True(verified >= 2, "only " + verified + " RSA2048 capsule seeds");
    }

    [Theory]
    [InlineData("gen-pkcs7-attributes.bin", Pkcs7Failure.None)]
    [InlineData("gen-pkcs7-no-attributes.bin", Pkcs7Failure.None)]
    [InlineData("gen-pkcs7-chain-too-long.bin", Pkcs7Failure.ChainTooLong)]
    [InlineData("gen-pkcs7-path-length-exceeded.bin", Pkcs7Failure.PathLengthExceeded)]
    [InlineData("gen-pkcs7-untrusted-root-in-cms.bin", Pkcs7Failure.UntrustedRoot)]
    public void Pkcs7Corpus_RealRsaSeed_ReachesItsVerdict(string name, Pkcs7Failure expected)
    {
        byte[] input = System.IO.File.ReadAllBytes(System.IO.Path.Combine(CheckedInCorpus.Folder(Paths.FuzzDir, "pkcs7"), name));
        Assert.Equal(0, input[0] & 1); // real RSA, not the oracle
        byte[] root = Pkcs7Target.RootOf(input);
        ReadOnlySpan<byte> certData = input.AsSpan(Pkcs7Target.HeaderLength + root.Length);
        Pkcs7VerifyResult result = Pkcs7Verifier.Verify(certData, input.AsSpan(1, Sha256.DigestSize), root);
        Assert.Equal(expected, result.Failure);
    }

    [Fact]
    public void MessageParsers_EveryDefinedType_HasAParserThatClaimsIt()
    {
        byte[] template = ProtocolSeeds.All().GetEnumerator() is var e && e.MoveNext() ? e.Current.Data[1..] : throw new InvalidOperationException();
        for (int type = 0; type < 256; type++)
        {
            if (!MessageHeader.IsDefinedType((byte)type)) continue;
            byte[] datagram = (byte[])template.Clone();
            datagram[MessageHeader.TypeOffset] = (byte)type;
            BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(MessageHeader.CrcOffset), MessageHeader.ComputeMessageCrc(datagram));
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(datagram, out MessageFrame frame));
            int claimed = 0;
            foreach ((string _, MessageParsers.FrameParser parse) in MessageParsers.All)
            {
                if (parse(frame) != WireStatus.WrongType) claimed++;
            }
            Assert.True(claimed == 1, "type 0x" + type.ToString("x2") + " is claimed by " + claimed + " parsers (add a TryParse(in MessageFrame, out T))");
        }
    }

    [Fact]
    public void ProtocolSeeds_EveryParser_AcceptsOneSeed()
    {
        var accepted = new HashSet<string>();
        foreach ((string _, byte[] seed) in ProtocolSeeds.All())
        {
            Assert.Equal(WireStatus.Ok, MessageFrame.TryParse(seed.AsSpan(1), out MessageFrame frame));
            foreach ((string name, MessageParsers.FrameParser parse) in MessageParsers.All)
            {
                if (parse(frame) == WireStatus.Ok) accepted.Add(name);
            }
        }
        Assert.True(MessageParsers.All.Count >= 9, "only " + MessageParsers.All.Count + " parsers found");
        foreach ((string name, MessageParsers.FrameParser _) in MessageParsers.All)
        {
            Assert.True(accepted.Contains(name), name + " has no seed it accepts (add one to ProtocolSeeds)");
        }
    }

    [Fact]
    public void NetstackSeeds_DhcpOfferAck_BindsTheLease()
    {
        byte[] input = Find(NetstackSeeds.All(), "dhcp-offer-ack-echo");
        (Interface iface, FuzzFrameDevice device, DhcpClient client) = NetstackTarget.NewDhcpStack();
        iface.Poll(new Instant(0));
        int sentBefore = device.Transmitted;
        Feed(input, iface, device);
        Assert.True(client.HasLease, "the seed's OFFER/ACK did not bind a lease");
        Assert.True(device.Transmitted > sentBefore + 1, "no REQUEST and no echo reply sent"); // REQUEST, ARP/echo reply
    }

    [Fact]
    public void NetstackSeeds_UdpThenArpReply_EchoReachesTheSocket()
    {
        byte[] input = Find(NetstackSeeds.All(), "udp-echo-then-arp-reply");
        (Interface iface, FuzzFrameDevice device, UdpSocket socket) = NetstackTarget.NewConfiguredStack();
        Feed(input, iface, device);
        Assert.Equal(1, socket.ReceiveQueued);
    }

    private static void Feed(byte[] input, Interface iface, FuzzFrameDevice device)
    {
        int offset = 1;
        long now = 0;
        while (offset + NetstackTarget.RecordHeaderLength <= input.Length)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(offset));
            now += 64;
            device.Inject(input.AsSpan(offset + NetstackTarget.RecordHeaderLength, length).ToArray());
            iface.Poll(new Instant(now));
            offset += NetstackTarget.RecordHeaderLength + length;
        }
    }

    private static byte[] Find(IEnumerable<(string Name, byte[] Data)> seeds, string name)
    {
        foreach ((string seedName, byte[] data) in seeds)
        {
            if (seedName == name) return data;
        }
        throw new InvalidOperationException("no seed " + name);
    }
}
