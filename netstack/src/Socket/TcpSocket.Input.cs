using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>Segment arrival (RFC 9293 §3.10.7), in the RFC's order of checks, with RFC 5961's RST/SYN/ACK defences.</summary>
    public sealed partial class TcpSocket
    {
        /// <summary>True when a segment with these ports and source belongs to this connection (the interface's demultiplexing).</summary>
        public bool Matches(Ipv4Address source, in TcpRepr segment) =>
            State != TcpState.Closed && segment.DestinationPort == LocalPort && segment.SourcePort == RemotePort && source.Equals(RemoteAddress);

        /// <summary>Handles one checksum-verified segment for this connection; the outcome is also counted.</summary>
        public TcpSegmentOutcome Process(in TcpRepr segment, ReadOnlySpan<byte> payload, Instant now)
        {
            if (State == TcpState.Closed) return Counters.Count(TcpSegmentOutcome.NotConnected);
            if (State == TcpState.SynSent) return Counters.Count(ProcessHandshake(segment));
            return Counters.Count(ProcessSynchronized(segment, payload, now));
        }

        /// <summary>SYN-SENT (RFC 9293 §3.10.7.3): only an ACK of our SYN (ISS &lt; ACK &lt;= SND.NXT) counts.</summary>
        private TcpSegmentOutcome ProcessHandshake(in TcpRepr segment)
        {
            bool hasAck = segment.Has(TcpFlags.Ack);
            if (hasAck && (TcpSequence.Le(segment.AcknowledgmentNumber, _iss) || TcpSequence.Gt(segment.AcknowledgmentNumber, _sndNxt)))
            {
                if (segment.Has(TcpFlags.Rst)) return TcpSegmentOutcome.ResetIgnored;
                _rstPending = true;
                _rstSeq = segment.AcknowledgmentNumber;
                return TcpSegmentOutcome.HandshakeBadAck;
            }
            if (segment.Has(TcpFlags.Rst))
            {
                // Without an ACK an RST cannot be tied to our SYN: anyone could have sent it.
                if (!hasAck) return TcpSegmentOutcome.ResetIgnored;
                Finish(TcpCloseReason.Refused);
                return TcpSegmentOutcome.ResetAccepted;
            }
            // A SYN without ACK (simultaneous open) is not supported: dropped, our SYN is retransmitted.
            if (!segment.Has(TcpFlags.Syn) || !hasAck) return TcpSegmentOutcome.HandshakeIgnored;
            _rcvNxt = segment.SequenceNumber + 1;
            _sndUna = segment.AcknowledgmentNumber;
            _sndWnd = segment.Window;
            _maxSndWnd = segment.Window;
            _sndWl1 = segment.SequenceNumber;
            _sndWl2 = segment.AcknowledgmentNumber;
            ushort mss = segment.MaximumSegmentSize == 0 ? DefaultPeerMss : segment.MaximumSegmentSize;
            _peerMss = Math.Max(mss, MinimumPeerMss);
            _retransmitAtMs = long.MaxValue;
            _retries = 0;
            _rtoMs = _config.InitialRetransmitMs;
            // Data on a SYN-ACK is not taken (rare; RCV.NXT does not cover it, so the peer sends it again).
            State = TcpState.Established;
            _ackPending = true;
            return TcpSegmentOutcome.Accepted;
        }

        private TcpSegmentOutcome ProcessSynchronized(in TcpRepr segment, ReadOnlySpan<byte> payload, Instant now)
        {
            uint seq = segment.SequenceNumber;
            uint window = (uint)ReceiveWindow;
            if (segment.Has(TcpFlags.Rst))
            {
                // RFC 5961 §3.2: only an RST exactly at RCV.NXT resets; one elsewhere in the window draws a
                // challenge ACK (a real peer then sends the exact one); outside the window it is dropped silently.
                if (seq == _rcvNxt)
                {
                    Finish(TcpCloseReason.Reset);
                    return TcpSegmentOutcome.ResetAccepted;
                }
                if (TcpSequence.InWindow(seq, _rcvNxt, Math.Max(window, 1)))
                {
                    _ackPending = true;
                    return TcpSegmentOutcome.ResetChallenged;
                }
                return TcpSegmentOutcome.ResetIgnored;
            }
            if (!IsAcceptable(seq, segment.SegmentLength, window))
            {
                _ackPending = true;
                return TcpSegmentOutcome.OutOfWindow;
            }
            if (segment.Has(TcpFlags.Syn))
            {
                _ackPending = true;
                return TcpSegmentOutcome.SynChallenged;
            }
            if (!segment.Has(TcpFlags.Ack)) return TcpSegmentOutcome.NoAck;
            TcpSegmentOutcome ack = ProcessAck(segment, now);
            if (ack != TcpSegmentOutcome.Accepted || State == TcpState.Closed) return ack;
            if (segment.PayloadLength > 0 && TcpSequence.Gt(seq, _rcvNxt))
            {
                KeepAhead(seq, payload);
                _ackPending = true;
                if (_duplicateAcksOwed < MaxDuplicateAcksOwed) _duplicateAcksOwed++;
                return TcpSegmentOutcome.OutOfOrder;
            }
            TakeData(seq, payload);
            if (segment.Has(TcpFlags.Fin))
            {
                if (seq + (uint)segment.PayloadLength == _rcvNxt) TakeFin(now);
                else _ackPending = true; // data before the FIN is missing: say where we are
            }
            return TcpSegmentOutcome.Accepted;
        }

        /// <summary>The four cases of RFC 9293 §3.10.7.4's acceptability test.</summary>
        private bool IsAcceptable(uint seq, uint length, uint window)
        {
            if (length == 0) return window == 0 ? seq == _rcvNxt : TcpSequence.InWindow(seq, _rcvNxt, window);
            // A zero window takes no data, but the segment's ACK and FIN-less control still count at RCV.NXT.
            if (window == 0) return seq == _rcvNxt;
            return TcpSequence.InWindow(seq, _rcvNxt, window) || TcpSequence.InWindow(seq + length - 1, _rcvNxt, window);
        }

        private TcpSegmentOutcome ProcessAck(in TcpRepr segment, Instant now)
        {
            uint ack = segment.AcknowledgmentNumber;
            if (TcpSequence.Gt(ack, _sndNxt))
            {
                _ackPending = true;
                return TcpSegmentOutcome.AckUnsent;
            }
            if (TcpSequence.Lt(ack, _sndUna - (uint)_maxSndWnd))
            {
                _ackPending = true;
                return TcpSegmentOutcome.AckTooOld;
            }
            if (TcpSequence.Gt(ack, _sndUna))
            {
                int acked = (int)(ack - _sndUna);
                if (_finSent && ack == _finSeq + 1)
                {
                    _finAcked = true;
                    acked--;
                }
                acked = Math.Min(acked, _txCount);
                _txStart = (_txStart + acked) % _tx.Length;
                _txCount -= acked;
                _sndUna = ack;
                _retries = 0;
                _rtoMs = _config.InitialRetransmitMs;
                _retransmitAtMs = _sndUna == _sndNxt ? long.MaxValue : now.Milliseconds + _rtoMs;
            }
            // RFC 9293 §3.10.7.4: the window is taken only from a segment newer than the last one that set it.
            if (TcpSequence.Lt(_sndWl1, segment.SequenceNumber)
                || (_sndWl1 == segment.SequenceNumber && TcpSequence.Le(_sndWl2, ack)))
            {
                _sndWnd = segment.Window;
                _maxSndWnd = Math.Max(_maxSndWnd, _sndWnd);
                _sndWl1 = segment.SequenceNumber;
                _sndWl2 = ack;
                if (_sndWnd > 0) _probeDue = false;
            }
            if (_finAcked)
            {
                if (State == TcpState.FinWait1) State = TcpState.FinWait2;
                else if (State == TcpState.Closing) EnterTimeWait(now);
                else if (State == TcpState.LastAck) Finish(TcpCloseReason.Finished);
            }
            return TcpSegmentOutcome.Accepted;
        }

        /// <summary>Copies the part of the payload at and after RCV.NXT that fits the free buffer; the rest is dropped.</summary>
        private void TakeData(uint seq, ReadOnlySpan<byte> payload)
        {
            if (payload.IsEmpty) return;
            if (State != TcpState.Established && State != TcpState.FinWait1 && State != TcpState.FinWait2) return;
            int skip = (int)(_rcvNxt - seq);
            if (skip < 0 || skip >= payload.Length)
            {
                _ackPending = true;
                return;
            }
            ReadOnlySpan<byte> fresh = payload.Slice(skip);
            int free = _rx.Length - _rxCount;
            int n = Math.Min(fresh.Length, free);
            for (int i = 0; i < n; i++)
                _rx[(_rxStart + _rxCount + i) % _rx.Length] = fresh[i];
            _rxCount += n;
            _rcvNxt += (uint)n;
            Counters.BytesReceived += n;
            Counters.BytesBeyondWindow += fresh.Length - n;
            // Ranges kept ahead that the new bytes reached are in the ring already: RCV.NXT jumps over them.
            uint next = _ahead.TakeContiguous(_rcvNxt);
            int joined = (int)(next - _rcvNxt);
            if (joined > 0)
            {
                _rxCount += joined;
                _rcvNxt = next;
                Counters.BytesReceived += joined;
            }
            _ackPending = true;
        }

        /// <summary>
        /// Data beyond RCV.NXT: written at its place in the free part of the ring (what fits the window) and its range
        /// recorded, so a retransmission of the gap alone completes it. Without a free range slot it is dropped.
        /// </summary>
        private void KeepAhead(uint seq, ReadOnlySpan<byte> payload)
        {
            if (State != TcpState.Established && State != TcpState.FinWait1 && State != TcpState.FinWait2) return;
            int offset = (int)(seq - _rcvNxt);
            int free = _rx.Length - _rxCount;
            if (offset >= free) return;
            int n = Math.Min(payload.Length, free - offset);
            if (!_ahead.TryAdd(seq, seq + (uint)n)) return;
            for (int i = 0; i < n; i++)
                _rx[(_rxStart + _rxCount + offset + i) % _rx.Length] = payload[i];
            Counters.BytesKeptAhead += n;
        }

        /// <summary>The peer's FIN, in order (every byte before it taken): RCV.NXT covers it and the state moves on.</summary>
        private void TakeFin(Instant now)
        {
            _ackPending = true;
            if (PeerFinished) return;
            _rcvNxt++;
            PeerFinished = true;
            if (State == TcpState.Established) State = TcpState.CloseWait;
            else if (State == TcpState.FinWait1) State = _finAcked ? EnterTimeWaitState(now) : TcpState.Closing;
            else if (State == TcpState.FinWait2) EnterTimeWait(now);
        }

        private void EnterTimeWait(Instant now) => State = EnterTimeWaitState(now);

        private TcpState EnterTimeWaitState(Instant now)
        {
            _timeWaitEndMs = now.Milliseconds + _config.TimeWaitMs;
            _retransmitAtMs = long.MaxValue;
            if (CloseReason == TcpCloseReason.None) CloseReason = TcpCloseReason.Finished;
            return TcpState.TimeWait;
        }
    }
}
