using System;
using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// One TCP connection, active open only (RFC 9293): SYN with our MSS, in-order receive into a fixed ring
    /// whose free space is the advertised window, retransmission of SYN, data and FIN from SND.UNA on a timer
    /// with exponential backoff, FIN and RST handling and the RFC 5961 defences (an RST or SYN not exactly at
    /// RCV.NXT only draws a challenge ACK; an RST outside the window is dropped). Out-of-order data is kept at its
    /// place in the receive ring (up to 8 ranges, <see cref="TcpReassembly"/>) and answered with a duplicate ACK each,
    /// so the peer's fast retransmit of the gap alone completes it.
    /// Buffers are allocated in the constructor; nothing after. No clock: the interface passes time to
    /// <see cref="Poll"/> and <see cref="CommitSegment"/>; <c>Interface.Poll</c> moves segments in and out.
    /// </summary>
    public sealed partial class TcpSocket
    {
        private const int MaxWindow = 65535;
        /// <summary>RFC 9293 §3.7.1: the MSS to assume when the peer sends none.</summary>
        private const ushort DefaultPeerMss = 536;
        /// <summary>Floor for a peer's MSS option, so a hostile value of 0 or 1 cannot make us send one-byte segments forever.</summary>
        private const ushort MinimumPeerMss = 64;

        private readonly TcpConfig _config;
        /// <summary>Ranges kept ahead of RCV.NXT; 8 gaps is plenty for one window of loss on a LAN.</summary>
        private readonly TcpReassembly _ahead = new TcpReassembly(8);
        private readonly byte[] _rx;
        private int _rxStart;
        private int _rxCount;
        private readonly byte[] _tx;
        /// <summary>Index in <see cref="_tx"/> of the byte at SND.UNA (the oldest unacknowledged one).</summary>
        private int _txStart;
        /// <summary>Bytes from SND.UNA on: sent-unacknowledged and not yet sent.</summary>
        private int _txCount;

        private uint _iss, _sndUna, _sndNxt, _sndWl1, _sndWl2;
        private int _sndWnd, _maxSndWnd;
        private uint _rcvNxt;
        private ushort _peerMss;
        private bool _closeRequested, _finSent, _finAcked;
        private uint _finSeq;
        private bool _ackPending;
        /// <summary>Duplicate ACKs still to send: one per out-of-order segment (RFC 5681 §4.2), not one per poll, so the peer's fast retransmit sees three.</summary>
        private int _duplicateAcksOwed;
        private const int MaxDuplicateAcksOwed = 8;
        private bool _rstPending;
        private uint _rstSeq;
        private bool _probeDue;
        private int _lastAdvertised;
        private long _retransmitAtMs = long.MaxValue;
        private long _timeWaitEndMs;
        private int _rtoMs;
        private int _retries;

        public TcpSocket(TcpConfig config)
        {
            _config = config;
            _rx = new byte[config.ReceiveBufferSize];
            _tx = new byte[config.SendBufferSize];
            Counters = new TcpCounters();
        }

        public TcpState State { get; private set; }
        public TcpCloseReason CloseReason { get; private set; }
        public TcpCounters Counters { get; }
        public ushort LocalPort { get; private set; }
        public Ipv4Address RemoteAddress { get; private set; }
        public ushort RemotePort { get; private set; }
        /// <summary>The peer sent FIN and every byte before it is in the receive buffer (or was read).</summary>
        public bool PeerFinished { get; private set; }
        /// <summary>RCV.NXT: the next sequence number expected from the peer (diagnostics, tests).</summary>
        public uint ReceiveNext => _rcvNxt;
        /// <summary>SND.NXT: the next sequence number we send.</summary>
        public uint SendNext => _sndNxt;
        /// <summary>Bytes waiting in the receive buffer.</summary>
        public int ReceivedCount => _rxCount;
        /// <summary>The MSS we send with: the peer's option (or 536) clamped to our own.</summary>
        public int SendMss => Math.Min(_peerMss, _config.MaximumSegmentSize);

        /// <summary>
        /// Starts an active open to <paramref name="remote"/>: <c>Interface.Poll</c> sends the SYN. The caller picks the
        /// local port and the initial sequence number (random: RFC 9293 §3.4.1, RFC 6528). False unless Closed.
        /// </summary>
        public bool Connect(Ipv4Address remote, ushort remotePort, ushort localPort, uint initialSequence, Instant now)
        {
            if (State != TcpState.Closed && State != TcpState.TimeWait) return false;
            if (!remote.IsUnicast || remotePort == 0 || localPort == 0) return false;
            RemoteAddress = remote;
            RemotePort = remotePort;
            LocalPort = localPort;
            _iss = initialSequence;
            _sndUna = initialSequence;
            _sndNxt = initialSequence;
            _sndWnd = 0;
            _maxSndWnd = 0;
            _rcvNxt = 0;
            _peerMss = DefaultPeerMss;
            _rxStart = _rxCount = 0;
            _txStart = _txCount = 0;
            _closeRequested = _finSent = _finAcked = false;
            _ackPending = _rstPending = _probeDue = false;
            _duplicateAcksOwed = 0;
            _ahead.Clear();
            _rtoMs = _config.InitialRetransmitMs;
            _retries = 0;
            _retransmitAtMs = long.MaxValue;
            PeerFinished = false;
            CloseReason = TcpCloseReason.None;
            State = TcpState.SynSent;
            return true;
        }

        /// <summary>Queues what fits of <paramref name="data"/> for sending; returns the bytes taken (0 when closed or full).</summary>
        public int Send(ReadOnlySpan<byte> data)
        {
            if (_closeRequested || (State != TcpState.SynSent && State != TcpState.Established && State != TcpState.CloseWait)) return 0;
            int n = Math.Min(data.Length, _tx.Length - _txCount);
            for (int i = 0; i < n; i++)
                _tx[(_txStart + _txCount + i) % _tx.Length] = data[i];
            _txCount += n;
            return n;
        }

        /// <summary>Moves up to <paramref name="destination"/>.Length received bytes out; a window update follows when enough room opened.</summary>
        public int Receive(Span<byte> destination)
        {
            int n = Math.Min(destination.Length, _rxCount);
            for (int i = 0; i < n; i++)
                destination[i] = _rx[(_rxStart + i) % _rx.Length];
            _rxStart = (_rxStart + n) % _rx.Length;
            _rxCount -= n;
            // Receiver silly-window avoidance (RFC 9293 §3.8.6.2.2): announce growth only by min(buffer/2, MSS).
            if (n > 0 && IsSynchronized && !PeerFinished
                && ReceiveWindow - _lastAdvertised >= Math.Min(_rx.Length / 2, (int)_config.MaximumSegmentSize))
                _ackPending = true;
            return n;
        }

        /// <summary>Sends FIN once all queued data is sent; receiving goes on until the peer's FIN.</summary>
        public void Close()
        {
            if (State == TcpState.SynSent)
            {
                Finish(TcpCloseReason.Aborted);
                return;
            }
            _closeRequested = true;
        }

        /// <summary>Drops the connection at once; a synchronized one gets an RST (RFC 9293 §3.10.5, ABORT).</summary>
        public void Abort()
        {
            if (IsSynchronized)
            {
                _rstPending = true;
                _rstSeq = _sndNxt;
            }
            Finish(TcpCloseReason.Aborted);
        }

        public bool IsOpen => State != TcpState.Closed && State != TcpState.TimeWait;

        private bool IsSynchronized => State != TcpState.Closed && State != TcpState.SynSent;

        private int ReceiveWindow => Math.Min(_rx.Length - _rxCount, MaxWindow);

        private void Finish(TcpCloseReason reason)
        {
            State = TcpState.Closed;
            if (CloseReason == TcpCloseReason.None) CloseReason = reason;
            _retransmitAtMs = long.MaxValue;
            _ackPending = false;
            _duplicateAcksOwed = 0;
        }

        /// <summary>
        /// Timers: retransmission (back to SND.UNA, timeout doubled up to the cap; TimedOut after
        /// MaxRetransmissions), the zero-window probe, and the end of TIME-WAIT.
        /// </summary>
        public void Poll(Instant now)
        {
            if (State == TcpState.TimeWait && now.Milliseconds >= _timeWaitEndMs)
            {
                State = TcpState.Closed;
                return;
            }
            // A zero window with data to send and nothing in flight: the persist timer (RFC 9293 §3.8.6.1).
            if (IsSynchronized && _retransmitAtMs == long.MaxValue && _sndNxt == _sndUna && _sndWnd == 0 && UnsentData > 0)
                _retransmitAtMs = now.Milliseconds + _rtoMs;
            if (now.Milliseconds < _retransmitAtMs) return;
            _retransmitAtMs = long.MaxValue;
            if (_retries >= _config.MaxRetransmissions)
            {
                if (IsSynchronized)
                {
                    _rstPending = true;
                    _rstSeq = _sndNxt;
                }
                Finish(TcpCloseReason.TimedOut);
                return;
            }
            _retries++;
            _rtoMs = Math.Min(_rtoMs * 2, _config.MaxRetransmitMs);
            if (_sndNxt != _sndUna)
            {
                // Go-back-N: everything from SND.UNA goes again (a SYN too, since SND.NXT returns to ISS).
                _sndNxt = _sndUna;
                if (_finSent && !_finAcked) _finSent = false;
                Counters.Retransmissions++;
            }
            else if (_sndWnd == 0 && UnsentData > 0)
            {
                _probeDue = true;
            }
        }

        /// <summary>Bytes queued but not yet sent (everything past SND.NXT).</summary>
        private int UnsentData => _txCount - DataInFlight;

        /// <summary>Data bytes between SND.UNA and SND.NXT (not counting a SYN or FIN in flight).</summary>
        private int DataInFlight
        {
            get
            {
                if (State == TcpState.SynSent) return 0;
                int span = (int)(_sndNxt - _sndUna);
                if (_finSent && !_finAcked) span--;
                return span;
            }
        }
    }
}
