using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>An IGMPv2 message, or an IGMPv1/v3 query read as a v2 host reads it (RFC 3376 §7.2.1).</summary>
    public readonly struct IgmpRepr
    {
        public IgmpRepr(IgmpMessageType type, byte maxResponseTime, Ipv4Address group)
        {
            Type = type;
            MaxResponseTime = maxResponseTime;
            GroupAddress = group;
        }

        public IgmpMessageType Type { get; }
        public byte MaxResponseTime { get; }
        /// <summary>Unspecified in a general query.</summary>
        public Ipv4Address GroupAddress { get; }

        public int BufferLength => IgmpPacket.HeaderLength;

        public static PacketStatus Parse(in IgmpPacket packet, out IgmpRepr repr)
        {
            repr = default;
            if (!packet.VerifyChecksum()) return PacketStatus.BadChecksum;
            IgmpMessageType type = packet.Type;
            if (type != IgmpMessageType.MembershipQuery && type != IgmpMessageType.MembershipReportV1
                && type != IgmpMessageType.MembershipReportV2 && type != IgmpMessageType.LeaveGroup)
                return PacketStatus.Unsupported;
            // Only queries may be longer than 8 bytes (IGMPv3, RFC 3376 §7.1); other lengths are v3 reports.
            if (type != IgmpMessageType.MembershipQuery && packet.Length != IgmpPacket.HeaderLength) return PacketStatus.Unsupported;
            repr = new IgmpRepr(type, packet.MaxResponseTime, packet.GroupAddress);
            return PacketStatus.Ok;
        }

        /// <summary>Writes exactly <see cref="BufferLength"/> bytes, checksum included.</summary>
        public void Emit(Span<byte> buffer)
        {
            Span<byte> b = buffer.Slice(0, IgmpPacket.HeaderLength);
            b[0] = (byte)Type;
            b[1] = MaxResponseTime;
            b[2] = 0;
            b[3] = 0;
            GroupAddress.Write(b.Slice(4));
            BinaryPrimitives.WriteUInt16BigEndian(b.Slice(2), Checksum.Compute(b));
        }
    }
}
