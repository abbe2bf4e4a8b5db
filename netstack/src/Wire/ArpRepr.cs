using System;
using System.Buffers.Binary;

namespace UefiRecovery.Netstack.Wire
{
    /// <summary>An Ethernet/IPv4 ARP packet, the only kind the stack speaks.</summary>
    public readonly struct ArpRepr
    {
        public ArpRepr(ArpOperation operation, MacAddress senderHardware, Ipv4Address senderProtocol,
            MacAddress targetHardware, Ipv4Address targetProtocol)
        {
            Operation = operation;
            SenderHardwareAddress = senderHardware;
            SenderProtocolAddress = senderProtocol;
            TargetHardwareAddress = targetHardware;
            TargetProtocolAddress = targetProtocol;
        }

        public ArpOperation Operation { get; }
        public MacAddress SenderHardwareAddress { get; }
        public Ipv4Address SenderProtocolAddress { get; }
        public MacAddress TargetHardwareAddress { get; }
        public Ipv4Address TargetProtocolAddress { get; }

        public int BufferLength => ArpPacket.EthernetIpv4Length;

        public static PacketStatus Parse(in ArpPacket packet, out ArpRepr repr)
        {
            repr = default;
            if (packet.HardwareType != ArpPacket.HardwareTypeEthernet || packet.ProtocolType != (ushort)EtherType.Ipv4)
                return PacketStatus.Unsupported;
            if (packet.HardwareLength != MacAddress.Length || packet.ProtocolLength != Ipv4Address.Length)
                return PacketStatus.Malformed;
            ArpOperation op = packet.Operation;
            if (op != ArpOperation.Request && op != ArpOperation.Reply) return PacketStatus.Unsupported;
            repr = new ArpRepr(op,
                MacAddress.Read(packet.SenderHardwareAddress), Ipv4Address.Read(packet.SenderProtocolAddress),
                MacAddress.Read(packet.TargetHardwareAddress), Ipv4Address.Read(packet.TargetProtocolAddress));
            return PacketStatus.Ok;
        }

        /// <summary>Writes exactly <see cref="BufferLength"/> bytes.</summary>
        public void Emit(Span<byte> buffer)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer, ArpPacket.HardwareTypeEthernet);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), (ushort)EtherType.Ipv4);
            buffer[4] = MacAddress.Length;
            buffer[5] = Ipv4Address.Length;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(6), (ushort)Operation);
            SenderHardwareAddress.Write(buffer.Slice(8, 6));
            SenderProtocolAddress.Write(buffer.Slice(14, 4));
            TargetHardwareAddress.Write(buffer.Slice(18, 6));
            TargetProtocolAddress.Write(buffer.Slice(24, 4));
        }
    }
}
