using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>ARP (RFC 826): answering, learning, resolving and announcing our address (RFC 5227 §2.3).</summary>
    public sealed partial class Interface
    {
        /// <summary>
        /// Queues one more gratuitous ARP announcement (no-op without an address). The EFI app uses it
        /// as a transmit "kick" after a receive stall: iPXE's e1000 driver refills its receive ring
        /// only when the NIC raises an interrupt cause, which a transmit completion provides.
        /// </summary>
        public void AnnounceAgain(Instant now)
        {
            if (!HasAddress) return;
            if (_announcementsLeft == 0) _announcementsLeft = 1;
            _nextAnnouncementMs = now.Milliseconds;
        }

        private void ProcessArp(ReadOnlySpan<byte> payload, Instant now)
        {
            if (!Check(ArpPacket.TryCreate(payload, out ArpPacket packet), PacketStatus.Truncated)) return;
            if (!Check(ArpRepr.Parse(packet, out ArpRepr arp))) return;
            if (!HasAddress)
            {
                Counters.FramesNotForUs++;
                return;
            }
            if (!Check(arp.SenderHardwareAddress.IsUnicast && !arp.SenderHardwareAddress.IsBroadcast, PacketStatus.BadValue)) return;
            if (arp.SenderProtocolAddress.Equals(Address))
            {
                // Someone else claims our address (RFC 5227 §2.4); note it, never "correct" the cache to them.
                // With our own MAC it is our announcement reflected back to us.
                if (!arp.SenderHardwareAddress.Equals(MacAddress)) Counters.AddressConflicts++;
                else Counters.FramesNotForUs++;
                return;
            }
            bool forUs = arp.TargetProtocolAddress.Equals(Address);
            if (arp.SenderProtocolAddress.IsUnicast)
                _arp.Update(arp.SenderProtocolAddress, arp.SenderHardwareAddress, now, forUs);
            if (!forUs)
            {
                Counters.FramesNotForUs++; // only refreshed an entry we already had
                return;
            }
            if (arp.Operation != ArpOperation.Request)
            {
                Counters.ArpRepliesReceived++;
                return;
            }
            var reply = new ArpRepr(ArpOperation.Reply, MacAddress, Address, arp.SenderHardwareAddress, arp.SenderProtocolAddress);
            if (TrySendArp(arp.SenderHardwareAddress, reply)) Counters.ArpRepliesSent++;
            else Counters.RepliesNotSent++;
        }

        private void PollAnnouncements(Instant now)
        {
            if (!HasAddress || _announcementsLeft == 0 || now.Milliseconds < _nextAnnouncementMs) return;
            // RFC 5227 §2.3: an ARP request with sender and target protocol address both ours.
            var announce = new ArpRepr(ArpOperation.Request, MacAddress, Address, MacAddress.Zero, Address);
            if (!TrySendArp(MacAddress.Broadcast, announce)) return;
            Counters.ArpAnnouncementsSent++;
            _announcementsLeft--;
            _nextAnnouncementMs = now.Milliseconds + _config.AnnounceIntervalMs;
        }

        private void PollArpRequests(Instant now)
        {
            if (!HasAddress) return;
            while (_arp.TryTakeDueRequest(now, out Ipv4Address target)) SendArpRequest(target);
        }

        private void SendArpRequest(Ipv4Address target)
        {
            var request = new ArpRepr(ArpOperation.Request, MacAddress, Address, MacAddress.Zero, target);
            if (TrySendArp(MacAddress.Broadcast, request)) Counters.ArpRequestsSent++;
        }

        private bool TrySendArp(MacAddress destination, in ArpRepr arp)
        {
            if (!_device.TryBeginTransmit(EthernetFrame.MinimumFrameLength, out Span<byte> frame))
            {
                Counters.TransmitNoBuffer++;
                return false;
            }
            new EthernetRepr(destination, MacAddress, EtherType.Arp).Emit(frame);
            arp.Emit(frame.Slice(EthernetFrame.HeaderLength, arp.BufferLength));
            frame.Slice(EthernetFrame.HeaderLength + arp.BufferLength).Clear();
            _device.EndTransmit();
            return true;
        }
    }
}
