using System;
using UefiRecovery.Netstack;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Socket
{
    /// <summary>Hostile segments: every prefix, bad header and option lengths, seeded mutation, and no allocation per segment.</summary>
    public class TcpRobustnessTests
    {
        /// <summary>Segments a peer sends on an established connection (the socket at its state after <see cref="TcpPeer.Establish"/>).</summary>
        private static byte[][] Segments(TcpPeer peer) => Segments(peer.PeerNext, peer.StackNext);

        private static byte[][] Segments(uint seq, uint ack)
        {
            byte[] data = new byte[600];
            for (int i = 0; i < data.Length; i++) data[i] = (byte)i;
            return new[]
            {
                TcpPeer.Segment(seq, ack, TcpFlags.Ack | TcpFlags.Psh, 64240, 0, data),
                TcpPeer.Segment(seq, ack, TcpFlags.Ack | TcpFlags.Fin, 64240, 0, data.AsSpan(0, 17)),
                TcpPeer.Segment(seq, ack, TcpFlags.Ack, 0, 0, default),
                TcpPeer.Segment(seq, ack, TcpFlags.Rst, 0, 0, default),
                TcpPeer.Segment(TcpPeer.PeerIss, ack, TcpFlags.Syn | TcpFlags.Ack, 29200, 1460, default),
            };
        }

        [Fact]
        public void ProcessFrame_EveryPrefixOfEverySegment_OnlyWholeDeliveredCountersAddUp()
        {
            var template = new TcpPeer();
            template.Establish();
            foreach (byte[] segment in Segments(template))
            {
                for (int length = 0; length < segment.Length; length++)
                {
                    var peer = new TcpPeer();
                    peer.Establish();
                    long before = peer.Iface.Counters.TcpDelivered;
                    // Exactly sized: a read past the prefix throws.
                    peer.Iface.ProcessFrame(segment.AsSpan(0, length).ToArray(), new Instant(0));
                    Assert.Equal(before, peer.Iface.Counters.TcpDelivered);
                    Assert.Equal(TcpState.Established, peer.Socket.State);
                    peer.AssertCountersAddUp();
                }
                var whole = new TcpPeer();
                whole.Establish();
                long handshake = whole.Iface.Counters.TcpDelivered;
                whole.Iface.ProcessFrame(segment, new Instant(0));
                Assert.Equal(handshake + 1, whole.Iface.Counters.TcpDelivered);
                whole.AssertCountersAddUp();
            }
        }

        /// <summary>A segment's TCP header bytes after the 20 fixed ones, with the data offset byte set to match (or not).</summary>
        public static TheoryData<string, byte, byte[], PacketStatus> HostileHeaders => new()
        {
            { "data offset 0", 0x00, Array.Empty<byte>(), PacketStatus.Truncated },
            { "data offset 4 (16 bytes)", 0x40, Array.Empty<byte>(), PacketStatus.Truncated },
            { "data offset 15 beyond the segment", 0xF0, Array.Empty<byte>(), PacketStatus.Truncated },
            { "data offset 6 but 4 bytes after the header", 0x70, new byte[] { 1, 1, 1, 1 }, PacketStatus.Truncated },
            { "option length 0", 0x60, new byte[] { 8, 0, 1, 1 }, PacketStatus.Malformed },
            { "option length 1", 0x60, new byte[] { 8, 1, 1, 1 }, PacketStatus.Malformed },
            { "option length past the header", 0x60, new byte[] { 8, 10, 1, 1 }, PacketStatus.Malformed },
            { "option kind without length byte at the end", 0x60, new byte[] { 1, 1, 1, 8 }, PacketStatus.Malformed },
            { "MSS of length 3", 0x60, new byte[] { 2, 3, 5, 1 }, PacketStatus.Malformed },
            { "MSS of length 6", 0x70, new byte[] { 2, 6, 5, 0xb4, 0, 0, 1, 1 }, PacketStatus.Malformed },
        };

        [Theory]
        [MemberData(nameof(HostileHeaders))]
        public void ProcessFrame_HostileHeader_DroppedAndCountedNothingDelivered(string name, byte offsetByte, byte[] afterHeader, PacketStatus expected)
        {
            _ = name;
            var peer = new TcpPeer();
            peer.Establish();
            byte[] frame = HeaderWith(peer, offsetByte, afterHeader);
            long before = peer.Iface.Counters.TcpDelivered;
            peer.Iface.ProcessFrame(frame, new Instant(0));
            Assert.Equal(before, peer.Iface.Counters.TcpDelivered);
            Assert.Equal(1, peer.Iface.Counters.Dropped(expected));
            Assert.Equal(0, peer.Socket.ReceivedCount);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void ProcessFrame_BadChecksum_Dropped()
        {
            var peer = new TcpPeer();
            peer.Establish();
            byte[] frame = peer.Data(new byte[] { 1, 2, 3 });
            frame[^1] ^= 0x40;
            peer.Iface.ProcessFrame(frame, new Instant(0));
            Assert.Equal(1, peer.Iface.Counters.Dropped(PacketStatus.BadChecksum));
            Assert.Equal(0, peer.Socket.ReceivedCount);
        }

        [Fact]
        public void TcpRepr_UnknownOptionsAndPadding_SkippedMssRead()
        {
            var peer = new TcpPeer();
            peer.Connect();
            peer.Poll();
            // NOP, NOP, timestamps (10), window scale (3), MSS 1200, EOL: 20 bytes of options.
            byte[] options = { 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 3, 3, 7, 2, 4, 0x04, 0xB0, 0 };
            byte[] frame = HeaderWith(peer, 0xA0, options, TcpFlags.Syn | TcpFlags.Ack, TcpPeer.PeerIss, unchecked(TcpPeer.Iss + 1));
            peer.Iface.ProcessFrame(frame, new Instant(0));
            Assert.Equal(TcpState.Established, peer.Socket.State);
            Assert.Equal(1200, peer.Socket.SendMss);
        }

        /// <summary>A frame from the peer whose TCP header is hand-made: 20 fixed bytes, then <paramref name="afterHeader"/>; checksums right.</summary>
        private static byte[] HeaderWith(TcpPeer peer, byte offsetByte, byte[] afterHeader, TcpFlags flags = TcpFlags.Ack, uint? seq = null, uint? ack = null)
        {
            byte[] frame = TcpPeer.Segment(seq ?? peer.PeerNext, ack ?? peer.StackNext, flags, 1000, 0, afterHeader);
            // The payload sits where options would: make the header claim it (or claim something else).
            frame[EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + 12] = offsetByte;
            Frames.FixChecksums(frame);
            return frame;
        }

        /// <summary>
        /// 200,000 seeded mutations of the segments above (bit flips, random bytes, truncation, extreme bytes; half with
        /// checksums repaired so they reach the state machine) into established connections, reopened when one ends.
        /// Nothing may throw, every frame and segment is counted once, the receive buffer never overflows, and every
        /// segment the stack sends in answer parses.
        /// </summary>
        [Fact]
        public void Mutation_SeededSegments_NeverCrashCountersAddUp()
        {
            const int Iterations = 200_000;
            var rng = new Xorshift32(20261207);
            byte[] scratch = new byte[1600];
            var peer = new TcpPeer(new TcpConfig { ReceiveBufferSize = 4096 });
            peer.Establish();
            long delivered = 0, accepted = 0;
            int reopened = 0;
            for (int n = 0; n < Iterations; n++)
            {
                if (!peer.Socket.IsOpen)
                {
                    delivered += peer.Iface.Counters.TcpDelivered;
                    accepted += peer.Socket.Counters.Outcome(TcpSegmentOutcome.Accepted);
                    peer = new TcpPeer(new TcpConfig { ReceiveBufferSize = 4096 });
                    peer.Establish();
                    reopened++;
                }
                // At the connection's current numbers, so unmutated fields pass the sequence checks.
                byte[][] corpus = Segments(peer.Socket.ReceiveNext, peer.Socket.SendNext);
                byte[] source = corpus[rng.NextUInt32() % (uint)corpus.Length];
                int length = source.Length;
                source.CopyTo(scratch, 0);
                int mutations = 1 + (int)(rng.NextUInt32() % 3);
                for (int m = 0; m < mutations; m++)
                {
                    // Mostly the TCP header (offset 34 on), where the state machine looks.
                    if (length == 0) break;
                    int at = length > 34 ? 34 + (int)(rng.NextUInt32() % (uint)Math.Min(length - 34, 40)) : (int)(rng.NextUInt32() % (uint)length);
                    uint kind = rng.NextUInt32() % 8;
                    if (kind < 4) scratch[at] ^= (byte)(1 << (int)(rng.NextUInt32() % 8));
                    else if (kind < 6) scratch[at] = (byte)rng.NextUInt32();
                    else if (kind == 6) length = (int)(rng.NextUInt32() % (uint)length);
                    else scratch[at] = (byte)((rng.NextUInt32() & 1) == 0 ? 0x00 : 0xFF);
                }
                if ((rng.NextUInt32() & 3) != 0) Frames.FixChecksums(scratch.AsSpan(0, length));
                peer.Iface.ProcessFrame(scratch.AsSpan(0, length).ToArray(), new Instant(peer.Now));
                if ((n & 7) == 0)
                {
                    peer.Advance(300);
                    // Throws if the stack sent a segment that does not parse (ARP refreshes of the peer's entry are skipped).
                    for (int i = 0; i < peer.SentCount; i++)
                        if (peer.Device.SentSpan(i)[12] == 0x08 && peer.Device.SentSpan(i)[13] == 0x00) peer.Sent(i);
                    peer.Device.ClearSent();
                    byte[] sink = new byte[peer.Socket.ReceivedCount];
                    peer.Socket.Receive(sink);
                }
                Assert.True(peer.Socket.ReceivedCount <= 4096);
                peer.AssertCountersAddUp();
            }
            delivered += peer.Iface.Counters.TcpDelivered;
            accepted += peer.Socket.Counters.Outcome(TcpSegmentOutcome.Accepted);
            // The run must reach the state machine, and take segments, not only reject them.
            Assert.True(delivered > Iterations / 4, "delivered " + delivered);
            Assert.True(accepted > Iterations / 50, "accepted " + accepted);
            Assert.True(reopened > 0, "no mutated segment ever ended a connection");
        }

        [Fact]
        public void Receive_ManySegmentsAfterWarmUp_AllocatesZeroBytes()
        {
            var peer = new TcpPeer();
            peer.Establish();
            byte[] payload = new byte[1460];
            byte[][] frames = new byte[64][];
            byte[] sink = new byte[65535];
            // Frames built up front (building allocates); the peer's numbers wrap through them.
            uint seq = peer.PeerNext;
            for (int i = 0; i < frames.Length; i++)
                frames[i] = TcpPeer.Segment(seq + (uint)(i * 1460), peer.StackNext, TcpFlags.Ack, 64240, 0, payload);
            void Round(int r)
            {
                peer.Inject(frames[r % 64]);
                peer.Now += 1;
                peer.Poll();
                peer.Socket.Receive(sink);
                peer.Device.ClearSent();
            }
            for (int r = 0; r < 64; r++) Round(r);
            // The next lap repeats sequence numbers already taken: old duplicates, answered with an ACK each.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int r = 0; r < 10_000; r++) Round(r);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.Equal(64 * 1460, peer.Socket.Counters.BytesReceived);
            Assert.Equal(10_000, peer.Socket.Counters.Outcome(TcpSegmentOutcome.OutOfWindow));
        }
    }
}
