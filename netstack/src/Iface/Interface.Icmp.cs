using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>ICMP: echo requests to our unicast address are answered; nothing else is (see docs/netstack.md).</summary>
    public sealed partial class Interface
    {
        private void ProcessIcmp(ReadOnlySpan<byte> payload, in Ipv4Repr ip, MacAddress sourceMac)
        {
            if (!Check(IcmpPacket.TryCreate(payload, out IcmpPacket packet), PacketStatus.Truncated)) return;
            if (!Check(IcmpEchoRepr.Parse(packet, out IcmpEchoRepr echo))) return;
            if (!echo.IsRequest || !ip.Source.IsUnicast)
            {
                Counters.FramesUnsupported++;
                return;
            }
            // The reply goes back to the frame's sender (the host or its router) without an ARP lookup.
            var reply = new IcmpEchoRepr(false, echo.Identifier, echo.SequenceNumber, echo.DataLength);
            var replyIp = new Ipv4Repr(Address, ip.Source, IpProtocol.Icmp, reply.BufferLength, Ipv4Repr.DefaultTimeToLive, _nextIdentification++);
            if (!TryBeginIpv4(sourceMac, replyIp, out Span<byte> icmp))
            {
                Counters.RepliesNotSent++;
                return;
            }
            packet.Data.CopyTo(icmp.Slice(IcmpPacket.HeaderLength));
            reply.Emit(icmp);
            _device.EndTransmit();
            Counters.EchoRepliesSent++;
        }
    }
}
