using System;
using System.Text;
using UefiRecovery.Netstack.Socket;
using UefiRecovery.Netstack.Tests.Support;
using UefiRecovery.Netstack.Wire;
using Xunit;

namespace UefiRecovery.Netstack.Tests.Socket
{
    public class TcpSocketTests
    {
        private static byte[] Bytes(int count, int seed = 1)
        {
            byte[] b = new byte[count];
            for (int i = 0; i < count; i++) b[i] = (byte)(i * 7 + seed);
            return b;
        }

        private static byte[] Drain(TcpSocket socket)
        {
            byte[] b = new byte[socket.ReceivedCount];
            socket.Receive(b);
            return b;
        }

        [Fact]
        public void Connect_Poll_SendsSynWithMssAndWindow()
        {
            var peer = new TcpPeer();
            peer.Connect();
            peer.Poll();
            Assert.Equal(1, peer.SentCount);
            TcpRepr syn = peer.LastSent();
            Assert.Equal(TcpFlags.Syn, syn.Flags);
            Assert.Equal(TcpPeer.Iss, syn.SequenceNumber);
            Assert.Equal(1460, syn.MaximumSegmentSize);
            Assert.Equal(65535, syn.Window);
            Assert.Equal(TcpPeer.StackPort, syn.SourcePort);
            Assert.Equal(TcpState.SynSent, peer.Socket.State);
            peer.Poll();
            Assert.Equal(1, peer.SentCount); // nothing more until the timer
        }

        [Fact]
        public void SynAck_Acceptable_EstablishesAndAcks()
        {
            var peer = new TcpPeer();
            peer.Establish(window: 5000, mss: 1000);
            Assert.Equal(TcpState.Established, peer.Socket.State);
            Assert.Equal(1000, peer.Socket.SendMss);
            peer.Connect();
            var again = new TcpPeer();
            again.Connect();
            again.Poll();
            again.Inject(TcpPeer.Segment(TcpPeer.PeerIss, unchecked(TcpPeer.Iss + 1), TcpFlags.Syn | TcpFlags.Ack, 5000, 1000, default));
            again.Poll();
            TcpRepr ack = again.LastSent();
            Assert.Equal(TcpFlags.Ack, ack.Flags);
            Assert.Equal(unchecked(TcpPeer.Iss + 1), ack.SequenceNumber);
            Assert.Equal(TcpPeer.PeerIss + 1, ack.AcknowledgmentNumber);
            again.AssertCountersAddUp();
        }

        public static TheoryData<string, uint> UnacceptableSynAckNumbers => new()
        {
            { "ack equals ISS", TcpPeer.Iss },
            { "ack beyond SND.NXT", TcpPeer.Iss + 2 },
            { "ack far behind", TcpPeer.Iss - 100_000 },
        };

        [Theory]
        [MemberData(nameof(UnacceptableSynAckNumbers))]
        public void SynAck_UnacceptableAck_AnsweredWithRstAndStillSynSent(string name, uint ack)
        {
            _ = name;
            var peer = new TcpPeer();
            peer.Connect();
            peer.Poll();
            peer.Inject(TcpPeer.Segment(TcpPeer.PeerIss, ack, TcpFlags.Syn | TcpFlags.Ack, 5000, 1460, default));
            peer.Poll();
            Assert.Equal(TcpState.SynSent, peer.Socket.State);
            TcpRepr rst = peer.LastSent();
            Assert.Equal(TcpFlags.Rst, rst.Flags);
            Assert.Equal(ack, rst.SequenceNumber);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.HandshakeBadAck));
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void SynSent_RstWithAcceptableAck_Refused()
        {
            var peer = new TcpPeer();
            peer.Connect();
            peer.Poll();
            peer.Inject(TcpPeer.Segment(0, TcpPeer.Iss + 1, TcpFlags.Rst | TcpFlags.Ack, 0, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.Closed, peer.Socket.State);
            Assert.Equal(TcpCloseReason.Refused, peer.Socket.CloseReason);
        }

        [Fact]
        public void SynSent_RstWithoutAck_Ignored()
        {
            var peer = new TcpPeer();
            peer.Connect();
            peer.Poll();
            peer.Inject(TcpPeer.Segment(0, 0, TcpFlags.Rst, 0, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.SynSent, peer.Socket.State);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.ResetIgnored));
        }

        [Fact]
        public void SynSent_NoAnswer_SynRetransmittedWithBackoffThenTimedOut()
        {
            var config = new TcpConfig { InitialRetransmitMs = 1000, MaxRetransmitMs = 4000, MaxRetransmissions = 4 };
            var peer = new TcpPeer(config);
            peer.Connect();
            peer.Poll();
            long[] expectedGaps = { 1000, 2000, 4000, 4000 };
            foreach (long gap in expectedGaps)
            {
                int before = peer.SentCount;
                peer.Advance(gap - 1);
                Assert.Equal(before, peer.SentCount);
                peer.Advance(1);
                Assert.Equal(before + 1, peer.SentCount);
                Assert.Equal(TcpFlags.Syn, peer.LastSent().Flags);
                Assert.Equal(TcpPeer.Iss, peer.LastSent().SequenceNumber);
            }
            peer.Advance(4000);
            Assert.Equal(TcpState.Closed, peer.Socket.State);
            Assert.Equal(TcpCloseReason.TimedOut, peer.Socket.CloseReason);
            Assert.Equal(4, peer.Socket.Counters.Retransmissions);
        }

        [Fact]
        public void Receive_InOrderData_CopiedAndAcked()
        {
            var peer = new TcpPeer();
            peer.Establish();
            byte[] first = Bytes(1000), second = Bytes(500, 3);
            peer.Inject(peer.Data(first));
            peer.Inject(peer.Data(second));
            peer.Poll();
            // One ACK for the whole poll, covering both segments.
            Assert.Equal(1, peer.SentCount);
            TcpRepr ack = peer.LastSent();
            Assert.Equal(peer.PeerNext, ack.AcknowledgmentNumber);
            Assert.Equal(65535 - 1500, ack.Window);
            byte[] got = Drain(peer.Socket);
            Assert.Equal(first, got.AsSpan(0, 1000).ToArray());
            Assert.Equal(second, got.AsSpan(1000).ToArray());
            Assert.Equal(1500, peer.Socket.Counters.BytesReceived);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void Receive_OutOfOrder_KeptAndJoinedWhenGapFilled()
        {
            var peer = new TcpPeer();
            peer.Establish();
            uint start = peer.PeerNext;
            byte[] a = Bytes(100), b = Bytes(100, 9);
            peer.Inject(TcpPeer.Segment(start + 100, peer.StackNext, TcpFlags.Ack, 64240, 0, b));
            peer.Poll();
            Assert.Equal(0, peer.Socket.ReceivedCount);
            Assert.Equal(start, peer.LastSent().AcknowledgmentNumber);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.OutOfOrder));
            // Only the gap is sent again: the kept range joins, RCV.NXT jumps past both.
            peer.Inject(TcpPeer.Segment(start, peer.StackNext, TcpFlags.Ack, 64240, 0, a));
            peer.Poll();
            Assert.Equal(start + 200, peer.LastSent().AcknowledgmentNumber);
            Assert.Equal(200, peer.Socket.Counters.BytesReceived);
            byte[] got = Drain(peer.Socket);
            Assert.Equal(a, got.AsSpan(0, 100).ToArray());
            Assert.Equal(b, got.AsSpan(100).ToArray());
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void Receive_TenGapsThenRetransmissions_EightRangesKeptContentExact()
        {
            var peer = new TcpPeer();
            peer.Establish();
            uint start = peer.PeerNext;
            byte[] all = Bytes(2000, 5);
            // Odd hundreds first (10 separate ranges ahead of a gap each), in reverse order.
            for (int i = 19; i >= 1; i -= 2)
                peer.Inject(TcpPeer.Segment(start + (uint)(100 * i), peer.StackNext, TcpFlags.Ack, 64240, 0, all.AsSpan(100 * i, 100)));
            peer.Poll();
            Assert.Equal(800, peer.Socket.Counters.BytesKeptAhead); // 8 slots; the 2 lowest ranges came last and were dropped
            // The peer sends the rest in order (even hundreds; odd ones too, the dropped ones matter).
            for (int i = 0; i < 20; i++)
                peer.Inject(TcpPeer.Segment(start + (uint)(100 * i), peer.StackNext, TcpFlags.Ack, 64240, 0, all.AsSpan(100 * i, 100)));
            peer.Poll();
            Assert.Equal(start + 2000, peer.LastSent().AcknowledgmentNumber);
            Assert.Equal(all, Drain(peer.Socket));
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void Receive_ThreeOutOfOrderInOnePoll_ThreeDuplicateAcks()
        {
            var peer = new TcpPeer();
            peer.Establish();
            uint start = peer.PeerNext;
            for (int i = 1; i <= 3; i++)
                peer.Inject(TcpPeer.Segment(start + (uint)(100 * i), peer.StackNext, TcpFlags.Ack, 64240, 0, Bytes(100)));
            peer.Poll();
            // RFC 5681 §4.2: one duplicate ACK per out-of-order segment, so the sender's fast retransmit starts.
            Assert.Equal(3, peer.SentCount);
            for (int i = 0; i < 3; i++) Assert.Equal(start, peer.Sent(i).AcknowledgmentNumber);
            peer.Poll();
            Assert.Equal(3, peer.SentCount);
        }

        [Fact]
        public void Receive_OverlappingRetransmission_TakesOnlyNewBytes()
        {
            var peer = new TcpPeer();
            peer.Establish();
            uint start = peer.PeerNext;
            byte[] all = Bytes(300);
            peer.Inject(TcpPeer.Segment(start, peer.StackNext, TcpFlags.Ack, 64240, 0, all.AsSpan(0, 200)));
            peer.Inject(TcpPeer.Segment(start + 100, peer.StackNext, TcpFlags.Ack, 64240, 0, all.AsSpan(100, 200)));
            peer.Poll();
            Assert.Equal(all, Drain(peer.Socket));
            Assert.Equal(300, peer.Socket.Counters.BytesReceived);
        }

        [Fact]
        public void Receive_BufferFull_WindowZeroThenUpdateAfterRead()
        {
            var peer = new TcpPeer(new TcpConfig { ReceiveBufferSize = 4000 });
            peer.Establish();
            peer.Inject(peer.Data(Bytes(1460)));
            peer.Inject(peer.Data(Bytes(1460)));
            peer.Inject(peer.Data(Bytes(1080)));
            peer.Poll();
            Assert.Equal(0, peer.LastSent().Window);
            // A segment into the zero window: its data is not taken; the ACK says where we are.
            uint next = peer.PeerNext;
            peer.Inject(TcpPeer.Segment(next, peer.StackNext, TcpFlags.Ack, 64240, 0, Bytes(10)));
            peer.Poll();
            Assert.Equal(4000, peer.Socket.ReceivedCount);
            Assert.Equal(next, peer.LastSent().AcknowledgmentNumber);
            int sent = peer.SentCount;
            byte[] small = new byte[100];
            peer.Socket.Receive(small);
            peer.Poll();
            Assert.Equal(sent, peer.SentCount); // 100 bytes of room: below min(buffer/2, MSS), no update (silly window)
            byte[] rest = new byte[2000];
            peer.Socket.Receive(rest);
            peer.Poll();
            Assert.Equal(sent + 1, peer.SentCount);
            Assert.Equal(2100, peer.LastSent().Window);
            peer.AssertCountersAddUp();
        }

        public static TheoryData<string, int, TcpFlags> BlindResets => new()
        {
            { "far beyond the window", 1_000_000, TcpFlags.Rst },
            { "just past the window", 65535, TcpFlags.Rst },
            { "behind RCV.NXT", -1, TcpFlags.Rst },
            { "far behind, with ACK", -70_000, TcpFlags.Rst | TcpFlags.Ack },
        };

        [Theory]
        [MemberData(nameof(BlindResets))]
        public void Rst_OutsideWindow_IgnoredConnectionStays(string name, int offset, TcpFlags flags)
        {
            _ = name;
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext + (uint)offset, peer.StackNext, flags, 0, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.Established, peer.Socket.State);
            Assert.Equal(0, peer.SentCount); // silently: no ACK either
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.ResetIgnored));
            peer.Inject(peer.Data(Bytes(10)));
            peer.Poll();
            Assert.Equal(10, peer.Socket.ReceivedCount);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void Rst_InWindowNotExact_ChallengeAckConnectionStays()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext + 5000, peer.StackNext, TcpFlags.Rst, 0, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.Established, peer.Socket.State);
            TcpRepr challenge = peer.LastSent();
            Assert.Equal(TcpFlags.Ack, challenge.Flags);
            Assert.Equal(peer.PeerNext, challenge.AcknowledgmentNumber);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.ResetChallenged));
        }

        [Fact]
        public void Rst_ExactlyAtRcvNxt_Resets()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext, 0, TcpFlags.Rst, 0, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.Closed, peer.Socket.State);
            Assert.Equal(TcpCloseReason.Reset, peer.Socket.CloseReason);
            Assert.Equal(0, peer.SentCount);
        }

        [Fact]
        public void Syn_OnEstablished_ChallengeAckAndStays()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext + 10, peer.StackNext, TcpFlags.Syn, 1000, 1460, default));
            peer.Poll();
            Assert.Equal(TcpState.Established, peer.Socket.State);
            Assert.Equal(peer.PeerNext, peer.LastSent().AcknowledgmentNumber);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.SynChallenged));
        }

        [Fact]
        public void SynAck_Duplicate_OnEstablished_ReAcked()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(TcpPeer.PeerIss, unchecked(TcpPeer.Iss + 1), TcpFlags.Syn | TcpFlags.Ack, 5000, 1460, default));
            peer.Poll();
            Assert.Equal(TcpState.Established, peer.Socket.State);
            Assert.Equal(TcpPeer.PeerIss + 1, peer.LastSent().AcknowledgmentNumber);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.OutOfWindow));
        }

        public static TheoryData<string, int, TcpSegmentOutcome> BadAcks => new()
        {
            { "ack of bytes never sent", 1, TcpSegmentOutcome.AckUnsent },
            { "ack far in the future", 1_000_000, TcpSegmentOutcome.AckUnsent },
            { "ack older than the max window", -200_000, TcpSegmentOutcome.AckTooOld },
        };

        [Theory]
        [MemberData(nameof(BadAcks))]
        public void Ack_Unacceptable_DataDroppedAndAcked(string name, int offset, TcpSegmentOutcome expected)
        {
            _ = name;
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext, peer.StackNext + (uint)offset, TcpFlags.Ack, 1000, 0, Bytes(50)));
            peer.Poll();
            Assert.Equal(0, peer.Socket.ReceivedCount);
            Assert.Equal(1, peer.Socket.Counters.Outcome(expected));
            Assert.Equal(peer.PeerNext, peer.LastSent().AcknowledgmentNumber);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void NoAckBit_OnEstablished_Dropped()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext, 0, TcpFlags.Psh, 1000, 0, Bytes(50)));
            peer.Poll();
            Assert.Equal(0, peer.Socket.ReceivedCount);
            Assert.Equal(1, peer.Socket.Counters.Outcome(TcpSegmentOutcome.NoAck));
        }

        [Fact]
        public void Send_Data_SegmentedByPeerMssAndWindow_RetransmittedUntilAcked()
        {
            var peer = new TcpPeer(new TcpConfig { SendBufferSize = 4096 });
            peer.Establish(window: 1500, mss: 600);
            byte[] request = Bytes(2000);
            Assert.Equal(2000, peer.Socket.Send(request));
            peer.Poll();
            // Window 1500, MSS 600: 600 + 600 + 300.
            Assert.Equal(3, peer.SentCount);
            Assert.Equal(600, peer.Sent(0).PayloadLength);
            Assert.Equal(600, peer.Sent(1).PayloadLength);
            Assert.Equal(300, peer.Sent(2, out byte[] third).PayloadLength);
            Assert.Equal(request.AsSpan(1200, 300).ToArray(), third);
            // Nothing acked: after 1 s everything from SND.UNA goes again.
            peer.Device.ClearSent();
            peer.Advance(1000);
            Assert.Equal(3, peer.SentCount);
            Assert.Equal(TcpPeer.Iss + 1, peer.Sent(0).SequenceNumber);
            Assert.Equal(1, peer.Socket.Counters.Retransmissions);
            // The peer acks 1500 and opens its window: the last 500 bytes go.
            peer.Device.ClearSent();
            peer.Inject(TcpPeer.Segment(peer.PeerNext, unchecked(TcpPeer.Iss + 1 + 1500), TcpFlags.Ack, 4000, 0, default));
            peer.Poll();
            Assert.Equal(1, peer.SentCount);
            Assert.Equal(unchecked(TcpPeer.Iss + 1 + 1500), peer.Sent(0, out byte[] last).SequenceNumber);
            Assert.Equal(request.AsSpan(1500).ToArray(), last);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void Send_PeerWindowZero_NothingSentThenOneByteProbe()
        {
            var peer = new TcpPeer();
            peer.Establish(window: 0);
            peer.Socket.Send(Bytes(100));
            peer.Poll();
            Assert.Equal(0, peer.SentCount);
            peer.Advance(1000);
            Assert.Equal(1, peer.SentCount);
            Assert.Equal(1, peer.LastSent().PayloadLength);
            Assert.Equal(1, peer.Socket.Counters.WindowProbes);
            // The window opens with the probe's ACK: the rest follows.
            peer.Inject(TcpPeer.Segment(peer.PeerNext, TcpPeer.Iss + 2, TcpFlags.Ack, 1000, 0, default));
            peer.Poll();
            Assert.Equal(99, peer.LastSent().PayloadLength);
        }

        [Fact]
        public void PeerFin_AfterData_CloseWaitThenOurFinThenClosed()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(peer.Data(Bytes(20), extra: TcpFlags.Fin));
            peer.Poll();
            Assert.Equal(TcpState.CloseWait, peer.Socket.State);
            Assert.True(peer.Socket.PeerFinished);
            Assert.Equal(peer.PeerNext, peer.LastSent().AcknowledgmentNumber);
            Assert.Equal(20, peer.Socket.ReceivedCount);
            peer.Socket.Close();
            peer.Poll();
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, peer.LastSent().Flags);
            Assert.Equal(TcpState.LastAck, peer.Socket.State);
            peer.Inject(TcpPeer.Segment(peer.PeerNext, TcpPeer.Iss + 2, TcpFlags.Ack, 1000, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.Closed, peer.Socket.State);
            Assert.Equal(TcpCloseReason.Finished, peer.Socket.CloseReason);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void PeerFin_BeforeMissingData_NotTaken()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext + 10, peer.StackNext, TcpFlags.Fin | TcpFlags.Ack, 1000, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.Established, peer.Socket.State);
            Assert.False(peer.Socket.PeerFinished);
            Assert.Equal(peer.PeerNext, peer.LastSent().AcknowledgmentNumber);
        }

        [Fact]
        public void ActiveClose_FinWait_TimeWaitReAcksFinThenClosed()
        {
            var peer = new TcpPeer(new TcpConfig { TimeWaitMs = 2000 });
            peer.Establish();
            peer.Socket.Close();
            peer.Poll();
            Assert.Equal(TcpState.FinWait1, peer.Socket.State);
            Assert.Equal(TcpFlags.Fin | TcpFlags.Ack, peer.LastSent().Flags);
            peer.Inject(TcpPeer.Segment(peer.PeerNext, TcpPeer.Iss + 2, TcpFlags.Ack, 1000, 0, default));
            peer.Poll();
            Assert.Equal(TcpState.FinWait2, peer.Socket.State);
            byte[] fin = TcpPeer.Segment(peer.PeerNext, TcpPeer.Iss + 2, TcpFlags.Fin | TcpFlags.Ack, 1000, 0, default);
            peer.Inject(fin);
            peer.Poll();
            Assert.Equal(TcpState.TimeWait, peer.Socket.State);
            Assert.False(peer.Socket.IsOpen);
            Assert.Equal(peer.PeerNext + 1, peer.LastSent().AcknowledgmentNumber);
            int sent = peer.SentCount;
            peer.Inject(fin); // our last ACK was lost: the FIN again
            peer.Poll();
            Assert.Equal(sent + 1, peer.SentCount);
            Assert.Equal(peer.PeerNext + 1, peer.LastSent().AcknowledgmentNumber);
            peer.Advance(2000);
            Assert.Equal(TcpState.Closed, peer.Socket.State);
            Assert.Equal(TcpCloseReason.Finished, peer.Socket.CloseReason);
        }

        [Fact]
        public void Abort_Established_SendsRst()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Socket.Abort();
            peer.Poll();
            Assert.Equal(TcpFlags.Rst, peer.LastSent().Flags);
            Assert.Equal(TcpPeer.Iss + 1, peer.LastSent().SequenceNumber);
            Assert.Equal(TcpState.Closed, peer.Socket.State);
            Assert.Equal(TcpCloseReason.Aborted, peer.Socket.CloseReason);
        }

        [Fact]
        public void Segment_OtherPortOrPeer_NotDelivered()
        {
            var peer = new TcpPeer();
            peer.Establish();
            peer.Inject(TcpPeer.Segment(peer.PeerNext, peer.StackNext, TcpFlags.Ack, 1000, 0, Bytes(5), sourcePort: 81));
            peer.Inject(TcpPeer.Segment(peer.PeerNext, peer.StackNext, TcpFlags.Ack, 1000, 0, Bytes(5), destinationPort: 40001));
            peer.Poll();
            Assert.Equal(2, peer.Iface.Counters.TcpNoSocket);
            Assert.Equal(0, peer.Socket.ReceivedCount);
            peer.AssertCountersAddUp();
        }

        [Fact]
        public void Connect_WhileOpen_Refused()
        {
            var peer = new TcpPeer();
            peer.Establish();
            Assert.False(peer.Socket.Connect(Frames.Net2, 80, 40002, 1, new Instant(0)));
        }

        [Fact]
        public void SynAck_MssZero_ClampedNotOneByteSegments()
        {
            var peer = new TcpPeer();
            peer.Establish(mss: 1); // emitted as an MSS option of value 1
            Assert.Equal(64, peer.Socket.SendMss);
            var none = new TcpPeer();
            none.Connect();
            none.Poll();
            none.Inject(TcpPeer.Segment(TcpPeer.PeerIss, unchecked(TcpPeer.Iss + 1), TcpFlags.Syn | TcpFlags.Ack, 1000, 0, default));
            none.Poll();
            Assert.Equal(536, none.Socket.SendMss); // no option: RFC 9293 §3.7.1's default
        }
    }
}
