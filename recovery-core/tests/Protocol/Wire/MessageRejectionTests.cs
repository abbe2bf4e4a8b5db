using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Protocol.Wire;
using Xunit;

namespace UefiRecovery.Core.Tests.Protocol.Wire;

/// <summary>Hostile input: truncations, bad fields and seeded random mutations of the Annex A examples.</summary>
public class MessageRejectionTests
{
    [Theory]
    [MemberData(nameof(ExampleDatagrams.All), MemberType = typeof(ExampleDatagrams))]
    public void FrameTryParse_EveryPrefix_Rejected(string name, string hex)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        for (int length = 0; length < datagram.Length; length++)
        {
            WireStatus status = MessageFrame.TryParse(datagram.AsSpan(0, length), out MessageFrame frame);

            Assert.True(status != WireStatus.Ok, name + " prefix " + length);
            Assert.True(frame.Message.IsEmpty, "nothing is handed out on failure");
        }
    }

    /// <summary>
    /// A shortened payload whose header length and CRC were made consistent again must still fail the
    /// type's own length rules (a sender cannot hide a short payload behind a correct frame). DATA is the
    /// exception: a shorter fragment with at least one byte is a valid DATA.
    /// </summary>
    [Theory]
    [MemberData(nameof(ExampleDatagrams.All), MemberType = typeof(ExampleDatagrams))]
    public void TypedTryParse_EveryReframedPayloadPrefix_Rejected(string name, string hex)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        byte[] output = new byte[datagram.Length];
        for (int payload = 0; payload < datagram.Length - MessageHeader.Length; payload++)
        {
            byte[] shortened = datagram.AsSpan(0, MessageHeader.Length + payload).ToArray();
            BinaryPrimitives.WriteUInt16BigEndian(shortened.AsSpan(MessageHeader.PayloadLengthOffset), (ushort)payload);
            MessageReemitter.FixCrc(shortened);

            WireStatus status = MessageReemitter.ParseAndReemit(shortened, output, out _);

            // DATA and PARITY carry their fragment to the end: a shorter one is still well formed (the receiver checks the length it expects).
            bool validShorterData = (shortened[MessageHeader.TypeOffset] == (byte)MessageType.Data && payload > DataMessage.PrefixLength)
                || (shortened[MessageHeader.TypeOffset] == (byte)MessageType.Parity && payload > ParityMessage.PrefixLength);
            Assert.True(validShorterData == (status == WireStatus.Ok), name + " payload " + payload + ": " + status);
        }
    }

    public static TheoryData<string, string, int, string, WireStatus> FieldCases()
    {
        // name, example, offset in datagram, replacement hex, expected (CRC is fixed afterwards unless noted).
        return new TheoryData<string, string, int, string, WireStatus>
        {
            { "magic", ExampleDatagrams.Accept, 0, "55524351", WireStatus.BadMagic },
            { "version 1 (the old protocol)", ExampleDatagrams.Accept, 4, "01", WireStatus.UnsupportedVersion },
            { "version 3", ExampleDatagrams.Accept, 4, "03", WireStatus.UnsupportedVersion },
            { "version 0", ExampleDatagrams.Accept, 4, "00", WireStatus.UnsupportedVersion },
            { "type 0", ExampleDatagrams.Accept, 5, "00", WireStatus.UnknownType },
            { "type 0x0C", ExampleDatagrams.Accept, 5, "0C", WireStatus.UnknownType },
            { "type 0x0F", ExampleDatagrams.Accept, 5, "0F", WireStatus.UnknownType },
            { "type 0x13", ExampleDatagrams.Accept, 5, "13", WireStatus.UnknownType },
            { "accept relabelled as instruction", ExampleDatagrams.Accept, 5, "10", WireStatus.BadPayloadLength },
            { "accept relabelled as readiness", ExampleDatagrams.Accept, 5, "11", WireStatus.BadPayloadLength },
            { "type 0xFF", ExampleDatagrams.Accept, 5, "FF", WireStatus.UnknownType },
            { "payload length +1", ExampleDatagrams.Accept, 24, "0019", WireStatus.LengthMismatch },
            { "payload length -1", ExampleDatagrams.Accept, 24, "0017", WireStatus.LengthMismatch },
            { "header reserved", ExampleDatagrams.Accept, 26, "0001", WireStatus.ReservedNotZero },
            { "sender id 0", ExampleDatagrams.Accept, 16, "0000000000000000", WireStatus.BadField },
            { "request session id set", ExampleDatagrams.Request, 12, "00000001", WireStatus.BadField },
            { "request max datagram 547", ExampleDatagrams.Request, 32 + 30, "0223", WireStatus.BadField },
            { "request max datagram 8973", ExampleDatagrams.Request, 32 + 30, "230D", WireStatus.BadField },
            { "request no delivery mode", ExampleDatagrams.Request, 32 + 45, "00", WireStatus.BadField },
            { "request unknown mode bit", ExampleDatagrams.Request, 32 + 45, "0F", WireStatus.BadField },
            { "request reserved", ExampleDatagrams.Request, 32 + 46, "0100", WireStatus.ReservedNotZero },
            { "offer session 0", ExampleDatagrams.Offer, 12, "00000000", WireStatus.BadField },
            { "offer image id 0", ExampleDatagrams.Offer, 32 + 4, "0000000000000000", WireStatus.BadField },
            { "offer image size 0", ExampleDatagrams.Offer, 32 + 36, "00000000", WireStatus.BadField },
            { "offer count too small", ExampleDatagrams.Offer, 32 + 40, "00000006", WireStatus.BadField },
            { "offer count too large", ExampleDatagrams.Offer, 32 + 40, "00000008", WireStatus.BadField },
            { "offer fragment size 507", ExampleDatagrams.Offer, 32 + 44, "01FB", WireStatus.BadField },
            { "offer fragment size 8933", ExampleDatagrams.Offer, 32 + 44, "22E5", WireStatus.BadField },
            { "offer port 0", ExampleDatagrams.Offer, 32 + 46, "0000", WireStatus.BadField },
            { "offer address 0", ExampleDatagrams.Offer, 32 + 48, "00000000", WireStatus.BadField },
            { "offer mode 0", ExampleDatagrams.Offer, 32 + 52, "00", WireStatus.BadField },
            { "offer mode 4", ExampleDatagrams.Offer, 32 + 52, "04", WireStatus.BadField },
            { "offer group shift 9", ExampleDatagrams.Offer, 32 + 54, "09", WireStatus.BadField },
            { "offer signature kind 2", ExampleDatagrams.Offer, 32 + 55, "02", WireStatus.BadField },
            { "offer signed but 96-byte payload", ExampleDatagrams.Offer, 32 + 55, "01", WireStatus.BadPayloadLength },
            { "offer token 0", ExampleDatagrams.Offer, 32 + 56, "0000000000000000", WireStatus.BadField },
            { "accept token 0", ExampleDatagrams.Accept, 32 + 16, "0000000000000000", WireStatus.BadField },
            { "status token 0", ExampleDatagrams.StatusRanges, 32 + 20, "0000000000000000", WireStatus.BadField },
            { "result token 0", ExampleDatagrams.Result, 32 + 16, "0000000000000000", WireStatus.BadField },
            { "result ack token 0", ExampleDatagrams.ResultAck, 32 + 4, "0000000000000000", WireStatus.BadField },
            { "manifest leaf count 0", ExampleDatagrams.Manifest, 32 + 4, "0000", WireStatus.BadField },
            { "manifest leaf count 8", ExampleDatagrams.Manifest, 32 + 4, "0008", WireStatus.BadPayloadLength },
            { "manifest leaf count 257", ExampleDatagrams.Manifest, 32 + 4, "0101", WireStatus.BadField },
            { "manifest proof 25", ExampleDatagrams.Manifest, 32 + 6, "19", WireStatus.BadField },
            { "manifest proof 1 (no room)", ExampleDatagrams.Manifest, 32 + 6, "01", WireStatus.BadPayloadLength },
            { "manifest reserved", ExampleDatagrams.Manifest, 32 + 7, "01", WireStatus.ReservedNotZero },
            { "manifest session 0", ExampleDatagrams.Manifest, 12, "00000000", WireStatus.BadField },
            { "accept image id 0", ExampleDatagrams.Accept, 32 + 4, "0000000000000000", WireStatus.BadField },
            { "data session 0", ExampleDatagrams.Data, 12, "00000000", WireStatus.BadField },
            { "data reserved", ExampleDatagrams.Data, 32 + 6, "8000", WireStatus.ReservedNotZero },
            { "status request round 0", ExampleDatagrams.StatusRequest, 32, "00000000", WireStatus.BadField },
            { "status request window 10001", ExampleDatagrams.StatusRequest, 32 + 4, "2711", WireStatus.BadField },
            { "status request max ranges 0", ExampleDatagrams.StatusRequest, 32 + 6, "0000", WireStatus.BadField },
            { "status request max ranges 129", ExampleDatagrams.StatusRequest, 32 + 6, "0081", WireStatus.BadField },
            { "status kind 4", ExampleDatagrams.StatusRanges, 32 + 4, "04", WireStatus.BadField },
            { "status unknown flag", ExampleDatagrams.StatusRanges, 32 + 5, "02", WireStatus.BadField },
            { "status ranges count 0", ExampleDatagrams.StatusRanges, 32 + 6, "0000", WireStatus.BadField },
            { "status ranges count 3", ExampleDatagrams.StatusRanges, 32 + 6, "0003", WireStatus.BadPayloadLength },
            { "status range length 0", ExampleDatagrams.StatusRanges, 32 + 32, "00000000", WireStatus.BadField },
            { "status ranges adjacent", ExampleDatagrams.StatusRanges, 32 + 36, "00000002", WireStatus.BadField },
            { "status ranges overlapping", ExampleDatagrams.StatusRanges, 32 + 36, "00000001", WireStatus.BadField },
            { "status ranges descending", ExampleDatagrams.StatusRanges, 32 + 36, "00000000", WireStatus.BadField },
            { "status range wraps", ExampleDatagrams.StatusRanges, 32 + 36, "FFFFFFFF", WireStatus.BadField },
            { "status complete with flag", ExampleDatagrams.StatusComplete, 32 + 5, "01", WireStatus.BadField },
            { "status complete with count", ExampleDatagrams.StatusComplete, 32 + 6, "0001", WireStatus.BadField },
            { "status bitmap count 0", ExampleDatagrams.StatusBitmap, 32 + 6, "0000", WireStatus.BadField },
            { "status bitmap window wraps", ExampleDatagrams.StatusBitmap, 32 + 28, "FFFFFFFC", WireStatus.BadField },
            { "result outcome 2", ExampleDatagrams.Result, 32 + 8, "02", WireStatus.BadField },
            { "result reserved", ExampleDatagrams.Result, 32 + 9, "01", WireStatus.ReservedNotZero },
            { "result image id 0", ExampleDatagrams.Result, 32, "0000000000000000", WireStatus.BadField },
            { "result ack session 0", ExampleDatagrams.ResultAck, 12, "00000000", WireStatus.BadField },
            { "abort reserved", ExampleDatagrams.Abort, 32 + 2, "0001", WireStatus.ReservedNotZero },
            { "instruction session set", ExampleDatagrams.Instruction, 12, "00000001", WireStatus.BadField },
            { "instruction id 0", ExampleDatagrams.Instruction, 32, "0000000000000000", WireStatus.BadField },
            { "instruction counter 0", ExampleDatagrams.Instruction, 32 + 8, "0000000000000000", WireStatus.BadField },
            { "instruction MAC 0", ExampleDatagrams.Instruction, 32 + 24, "000000000000", WireStatus.BadField },
            { "instruction manager count 0", ExampleDatagrams.Instruction, 32 + 30, "00", WireStatus.BadField },
            { "instruction manager count 2, slot 1 empty", ExampleDatagrams.Instruction, 32 + 30, "02", WireStatus.BadField },
            { "instruction manager count 5", ExampleDatagrams.Instruction, 32 + 30, "05", WireStatus.BadField },
            { "instruction unsigned (kind 0)", ExampleDatagrams.Instruction, 32 + 31, "00", WireStatus.BadField },
            { "instruction signature kind 2", ExampleDatagrams.Instruction, 32 + 31, "02", WireStatus.BadField },
            { "instruction UUID all zero", ExampleDatagrams.Instruction, 32 + 32, "00000000000000000000000000000000", WireStatus.BadField },
            { "instruction UUID all ones", ExampleDatagrams.Instruction, 32 + 32, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", WireStatus.BadField },
            { "instruction reserved", ExampleDatagrams.Instruction, 32 + 68, "00000001", WireStatus.ReservedNotZero },
            { "instruction manager address 0", ExampleDatagrams.Instruction, 32 + 72, "00000000", WireStatus.BadField },
            { "instruction manager broadcast", ExampleDatagrams.Instruction, 32 + 72, "FFFFFFFF", WireStatus.BadField },
            { "instruction manager port 0", ExampleDatagrams.Instruction, 32 + 76, "0000", WireStatus.BadField },
            { "instruction manager slot reserved", ExampleDatagrams.Instruction, 32 + 78, "0001", WireStatus.BadField },
            { "instruction unused slot not zero", ExampleDatagrams.Instruction, 32 + 80, "0A000001", WireStatus.BadField },
            { "instruction modulus top bit clear", ExampleDatagrams.Instruction, 32 + 104, "49", WireStatus.BadField },
            { "readiness session set", ExampleDatagrams.Readiness, 12, "00000001", WireStatus.BadField },
            { "readiness instruction id 0", ExampleDatagrams.Readiness, 32, "0000000000000000", WireStatus.BadField },
            { "readiness MAC differs from sender", ExampleDatagrams.Readiness, 32 + 8, "525400123457", WireStatus.BadField },
            { "readiness reserved", ExampleDatagrams.Readiness, 32 + 14, "0001", WireStatus.ReservedNotZero },
            { "agent report session set", ExampleDatagrams.AgentReport, 12, "00000001", WireStatus.BadField },
            { "agent report MAC differs from sender", ExampleDatagrams.AgentReport, 32 + 16, "525400123457", WireStatus.BadField },
            { "agent report state 0", ExampleDatagrams.AgentReport, 32 + 22, "00", WireStatus.BadField },
            { "agent report state 4", ExampleDatagrams.AgentReport, 32 + 22, "04", WireStatus.BadField },
            { "agent report failed without reason", ExampleDatagrams.AgentReport, 32 + 22, "02", WireStatus.BadField },
            { "agent report rebooting with a reason", ExampleDatagrams.AgentReport, 32 + 40, "0001", WireStatus.BadField },
            { "agent report version length 16", ExampleDatagrams.AgentReport, 32 + 23, "10", WireStatus.BadPayloadLength },
            { "agent report version length 18", ExampleDatagrams.AgentReport, 32 + 23, "12", WireStatus.BadPayloadLength },
            { "agent report version length 65", ExampleDatagrams.AgentReport, 32 + 23, "41", WireStatus.BadPayloadLength },
            { "agent report version control byte", ExampleDatagrams.AgentReport, 32 + 44, "0A", WireStatus.BadField },
            { "agent report version non-ASCII", ExampleDatagrams.AgentReport, 32 + 44, "C3", WireStatus.BadField },
        };
    }

    [Theory]
    [MemberData(nameof(FieldCases))]
    public void ParseAndReemit_ForbiddenFieldValue_RejectedWithReason(string name, string hex, int offset, string replacement, WireStatus expected)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        Convert.FromHexString(replacement).CopyTo(datagram, offset);
        MessageReemitter.FixCrc(datagram);
        byte[] output = new byte[datagram.Length + 64];

        WireStatus status = MessageReemitter.ParseAndReemit(datagram, output, out int written);

        Assert.True(expected == status, name + ": " + status);
        Assert.Equal(0, written);
    }

    [Theory]
    [MemberData(nameof(ExampleDatagrams.All), MemberType = typeof(ExampleDatagrams))]
    public void FrameTryParse_AnySingleBitFlip_BadChecksumOrStructuralReject(string name, string hex)
    {
        byte[] datagram = ExampleDatagrams.Bytes(hex);
        for (int bit = 0; bit < datagram.Length * 8; bit++)
        {
            byte[] mutated = (byte[])datagram.Clone();
            mutated[bit / 8] ^= (byte)(1 << (bit % 8));

            WireStatus status = MessageFrame.TryParse(mutated, out _);

            // CRC-32 detects every single-bit error; a flip in a structural field may be caught even earlier.
            Assert.True(status != WireStatus.Ok, name + " bit " + bit);
        }
    }

    [Fact]
    public void TryReadStructure_BadCrc_StillDescribesFrameButChecksumFails()
    {
        byte[] datagram = ExampleDatagrams.Bytes(ExampleDatagrams.Data);
        datagram[^1] ^= 0xFF;

        Assert.Equal(WireStatus.BadChecksum, MessageFrame.TryParse(datagram, out _));
        Assert.Equal(WireStatus.Ok, MessageFrame.TryReadStructure(datagram, out MessageFrame frame));
        Assert.False(frame.HasValidChecksum);
        Assert.Equal(MessageType.Data, frame.Type);
    }

    /// <summary>
    /// 150,000 seeded mutations (byte replacements, bit flips, truncation, extension, CRC repaired or not).
    /// The parsers must never throw, and whatever they accept must re-emit to the identical bytes.
    /// </summary>
    [Fact]
    public void ParseAndReemit_SeededMutations_NeverThrowAndAcceptedRoundTripsExactly()
    {
        string[] corpus =
        {
            ExampleDatagrams.Request, ExampleDatagrams.Offer, ExampleDatagrams.Accept, ExampleDatagrams.Data,
            ExampleDatagrams.StatusRequest, ExampleDatagrams.StatusRanges, ExampleDatagrams.StatusComplete,
            ExampleDatagrams.StatusBitmap, ExampleDatagrams.Result, ExampleDatagrams.ResultAck, ExampleDatagrams.Abort,
            ExampleDatagrams.Instruction, ExampleDatagrams.Readiness, ExampleDatagrams.AgentReport,
        };
        Random random = new Random(20261121);
        byte[] output = new byte[4096];
        int accepted = 0;
        int rejected = 0;
        for (int iteration = 0; iteration < 150_000; iteration++)
        {
            byte[] source = ExampleDatagrams.Bytes(corpus[random.Next(corpus.Length)]);
            byte[] mutated = Mutate(source, random);
            bool repairFrame = random.Next(4) != 0;
            if (repairFrame && mutated.Length >= MessageHeader.Length)
            {
                if (random.Next(2) == 0)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(mutated.AsSpan(MessageHeader.PayloadLengthOffset), (ushort)(mutated.Length - MessageHeader.Length));
                }
                MessageReemitter.FixCrc(mutated);
            }

            WireStatus status = MessageReemitter.ParseAndReemit(mutated, output, out int written);

            if (status == WireStatus.Ok)
            {
                accepted++;
                Assert.True(mutated.AsSpan().SequenceEqual(output.AsSpan(0, written)), "iteration " + iteration + " did not round-trip");
            }
            else
            {
                rejected++;
                Assert.Equal(0, written);
            }
        }
        // Both paths must have been exercised for the run to mean anything.
        Assert.True(accepted > 1000, "accepted " + accepted);
        Assert.True(rejected > 1000, "rejected " + rejected);
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        byte[] data = source;
        int operations = 1 + random.Next(4);
        for (int i = 0; i < operations; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                    break;
                case 1:
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    data[random.Next(data.Length)] = random.Next(2) == 0 ? (byte)0x00 : (byte)0xFF;
                    break;
                case 3:
                    data = data.AsSpan(0, random.Next(data.Length)).ToArray();
                    break;
                case 4:
                    byte[] longer = new byte[data.Length + 1 + random.Next(16)];
                    data.CopyTo(longer, 0);
                    random.NextBytes(longer.AsSpan(data.Length));
                    data = longer;
                    break;
                default:
                    // Change a payload byte only, so that the typed parsers see most of the mutations.
                    if (data.Length > MessageHeader.Length)
                    {
                        data[MessageHeader.Length + random.Next(data.Length - MessageHeader.Length)] = (byte)random.Next(256);
                    }
                    break;
            }
            if (data.Length == 0)
            {
                break;
            }
        }
        return data;
    }
}
