using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// Segment departure in two steps, so a missing TX buffer or a pending ARP changes nothing:
    /// <see cref="TryPrepareSegment"/> says what would go next (no side effects), the interface builds the frame
    /// with <see cref="CopyPayload"/>, and <see cref="CommitSegment"/> records that it went.
    /// </summary>
    public sealed partial class TcpSocket
    {
        /// <summary>
        /// The next segment to send, if any: a pending RST, the SYN, data within the peer's window (or a one-byte
        /// zero-window probe), the FIN once every byte is sent, or a bare ACK. <paramref name="dataOffset"/> is the
        /// payload's offset from SND.UNA in the send buffer.
        /// </summary>
        public bool TryPrepareSegment(int maxPayload, out TcpRepr segment, out int dataOffset)
        {
            segment = default;
            dataOffset = 0;
            if (_rstPending)
            {
                segment = new TcpRepr(LocalPort, RemotePort, _rstSeq, 0, TcpFlags.Rst, 0, 0, 0);
                return true;
            }
            if (State == TcpState.Closed) return false;
            if (State == TcpState.SynSent)
            {
                if (_sndNxt != _iss) return false;
                segment = new TcpRepr(LocalPort, RemotePort, _iss, 0, TcpFlags.Syn, (ushort)ReceiveWindow, _config.MaximumSegmentSize, 0);
                return true;
            }
            ushort window = (ushort)ReceiveWindow;
            int inFlight = DataInFlight;
            int unsent = _txCount - inFlight;
            if (unsent > 0 && !_finSent)
            {
                int usable = _sndWnd - inFlight;
                if (_probeDue && inFlight == 0) usable = 1;
                int length = Math.Min(Math.Min(unsent, usable), Math.Min(SendMss, maxPayload));
                if (length > 0)
                {
                    dataOffset = inFlight;
                    segment = new TcpRepr(LocalPort, RemotePort, _sndNxt, _rcvNxt, TcpFlags.Ack | TcpFlags.Psh, window, 0, length);
                    return true;
                }
            }
            if (_closeRequested && unsent == 0 && !_finSent && !_finAcked
                && (State == TcpState.Established || State == TcpState.CloseWait || State == TcpState.FinWait1
                    || State == TcpState.Closing || State == TcpState.LastAck))
            {
                segment = new TcpRepr(LocalPort, RemotePort, _sndNxt, _rcvNxt, TcpFlags.Fin | TcpFlags.Ack, window, 0, 0);
                return true;
            }
            if (_ackPending || _duplicateAcksOwed > 0)
            {
                segment = new TcpRepr(LocalPort, RemotePort, _sndNxt, _rcvNxt, TcpFlags.Ack, window, 0, 0);
                return true;
            }
            return false;
        }

        /// <summary>Copies <paramref name="destination"/>.Length bytes of the send buffer, starting <paramref name="dataOffset"/> bytes after SND.UNA.</summary>
        public void CopyPayload(int dataOffset, Span<byte> destination)
        {
            for (int i = 0; i < destination.Length; i++)
                destination[i] = _tx[(_txStart + dataOffset + i) % _tx.Length];
        }

        /// <summary>Records that <paramref name="segment"/> (from <see cref="TryPrepareSegment"/>) went out at <paramref name="now"/>.</summary>
        public void CommitSegment(in TcpRepr segment, Instant now)
        {
            Counters.SegmentsSent++;
            if (segment.Has(TcpFlags.Rst))
            {
                _rstPending = false;
                return;
            }
            _ackPending = false;
            if (_duplicateAcksOwed > 0) _duplicateAcksOwed--;
            _lastAdvertised = segment.Window;
            uint occupied = segment.SegmentLength;
            if (occupied == 0) return;
            if (_probeDue && segment.PayloadLength > 0 && _sndWnd == 0)
            {
                _probeDue = false;
                Counters.WindowProbes++;
            }
            if (segment.Has(TcpFlags.Fin))
            {
                _finSent = true;
                _finSeq = segment.SequenceNumber + (uint)segment.PayloadLength;
                if (State == TcpState.Established) State = TcpState.FinWait1;
                else if (State == TcpState.CloseWait) State = TcpState.LastAck;
            }
            _sndNxt = segment.SequenceNumber + occupied;
            if (_retransmitAtMs == long.MaxValue) _retransmitAtMs = now.Milliseconds + _rtoMs;
        }
    }
}
