using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>An ICMP echo request or reply, the only ICMP messages the stack handles.</summary>
    public readonly struct IcmpEchoRepr
    {
        public IcmpEchoRepr(bool isRequest, ushort identifier, ushort sequenceNumber, int dataLength)
        {
            IsRequest = isRequest;
            Identifier = identifier;
            SequenceNumber = sequenceNumber;
            DataLength = dataLength;
        }

        public bool IsRequest { get; }
        public ushort Identifier { get; }
        public ushort SequenceNumber { get; }
        public int DataLength { get; }

        public int BufferLength => IcmpPacket.HeaderLength + DataLength;

        public static PacketStatus Parse(in IcmpPacket packet, out IcmpEchoRepr repr)
        {
            repr = default;
            if (!packet.VerifyChecksum()) return PacketStatus.BadChecksum;
            bool request = packet.Type == IcmpPacket.TypeEchoRequest;
            if (!request && packet.Type != IcmpPacket.TypeEchoReply) return PacketStatus.Unsupported;
            if (packet.Code != 0) return PacketStatus.BadValue;
            repr = new IcmpEchoRepr(request, packet.Identifier, packet.SequenceNumber, packet.Data.Length);
            return PacketStatus.Ok;
        }

        /// <summary>
        /// Writes the header into exactly <see cref="BufferLength"/> bytes whose data part is
        /// already in place, then the checksum over the whole message.
        /// </summary>
        public void Emit(Span<byte> message)
        {
            Span<byte> m = message.Slice(0, BufferLength);
            m[0] = IsRequest ? IcmpPacket.TypeEchoRequest : IcmpPacket.TypeEchoReply;
            m[1] = 0;
            m[2] = 0;
            m[3] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(m.Slice(4), Identifier);
            BinaryPrimitives.WriteUInt16BigEndian(m.Slice(6), SequenceNumber);
            BinaryPrimitives.WriteUInt16BigEndian(m.Slice(2), Checksum.Compute(m));
        }
    }
}
