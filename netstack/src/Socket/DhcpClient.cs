using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Socket
{
    /// <summary>
    /// DHCPv4 client state machine (RFC 2131 §4.4). It does no I/O: the interface hands it replies
    /// addressed to port 68 and asks it what to send. It configures nothing either: every call that
    /// changes the lease returns what happened (<see cref="DhcpEvent"/>), and whoever owns the address
    /// applies that result. Time is passed in; jitter and transaction ids come from a seeded xorshift generator.
    /// </summary>
    public sealed class DhcpClient
    {
        private const long Infinite = long.MaxValue;

        private readonly DhcpConfig _config;
        private readonly MacAddress _mac;
        private Xorshift32 _random;

        private uint _xid;
        private long _startedAtMs;
        private long _nextTransmitMs;
        private int _retransmitMs;
        private int _attempts;
        private Ipv4Address _offeredAddress;
        private Ipv4Address _offerServer;

        private long _renewAtMs;
        private long _rebindAtMs;
        private long _expireAtMs;

        public DhcpClient(MacAddress mac, DhcpConfig config, uint seed)
        {
            _mac = mac;
            _config = config;
            _random = new Xorshift32(seed);
            State = DhcpState.Init;
        }

        public DhcpState State { get; private set; }

        /// <summary>Valid while <see cref="HasLease"/>.</summary>
        public DhcpLease Lease { get; private set; }

        public bool HasLease => State == DhcpState.Bound || State == DhcpState.Renewing || State == DhcpState.Rebinding;

        /// <summary>Counts every Bound, Renewed and Lost returned so far, so a caller that does not see the results can notice changes.</summary>
        public int Generation { get; private set; }

        public long NaksReceived { get; private set; }

        /// <summary>Drops any lease and starts over with a DISCOVER at the next poll. Lost when there was a lease.</summary>
        public DhcpEvent Reset()
        {
            DhcpEvent happened = HasLease ? Report(DhcpEvent.Lost) : DhcpEvent.None;
            State = DhcpState.Init;
            return happened;
        }

        /// <summary>
        /// Advances timers: starts discovery, moves to RENEWING at T1, REBINDING at T2, and drops the
        /// lease at expiry. Returns Lost when the lease expired (the caller deconfigures), else None.
        /// </summary>
        public DhcpEvent Poll(Instant now)
        {
            long t = now.Milliseconds;
            switch (State)
            {
                case DhcpState.Init:
                    StartDiscovery(t);
                    return DhcpEvent.None;
                case DhcpState.Requesting:
                    if (t >= _nextTransmitMs && _attempts >= _config.MaxRequestAttempts) StartDiscovery(t);
                    return DhcpEvent.None;
                default:
                    // A late poll may cross several deadlines at once: T1, T2 and expiry cascade.
                    if (State == DhcpState.Bound && t >= _renewAtMs) EnterRenewal(DhcpState.Renewing, t);
                    if (State == DhcpState.Renewing && t >= _rebindAtMs) EnterRenewal(DhcpState.Rebinding, t);
                    if (State == DhcpState.Rebinding && t >= _expireAtMs)
                    {
                        StartDiscovery(t);
                        return Report(DhcpEvent.Lost);
                    }
                    return DhcpEvent.None;
            }
        }

        private DhcpEvent Report(DhcpEvent happened)
        {
            Generation++;
            return happened;
        }

        /// <summary>
        /// The message due now, if any, and where to send it. The interface calls
        /// <see cref="OnTransmitted"/> only when it actually went out (so an unresolved next hop
        /// retries at the next poll instead of waiting a whole backoff).
        /// </summary>
        public bool TryGetTransmit(Instant now, out DhcpRepr message, out Ipv4Address destination)
        {
            message = default;
            destination = Ipv4Address.Broadcast;
            if (State == DhcpState.Init || State == DhcpState.Bound || now.Milliseconds < _nextTransmitMs) return false;
            long elapsed = (now.Milliseconds - _startedAtMs) / 1000;
            ushort secs = (ushort)System.Math.Clamp(elapsed, 0, 0xFFFF);
            Ipv4Address none = Ipv4Address.Unspecified;
            switch (State)
            {
                case DhcpState.Selecting:
                    message = DhcpRepr.ClientMessage(DhcpMessageType.Discover, _xid, secs, true, _mac, none, none, none);
                    return true;
                case DhcpState.Requesting:
                    // RFC 2131 §4.3.2 SELECTING: server id and requested address set, ciaddr zero.
                    message = DhcpRepr.ClientMessage(DhcpMessageType.Request, _xid, secs, true, _mac, none, _offeredAddress, _offerServer);
                    return true;
                case DhcpState.Renewing:
                    // RENEWING: ciaddr set, no server id or requested address, unicast to the server.
                    message = DhcpRepr.ClientMessage(DhcpMessageType.Request, _xid, secs, false, _mac, Lease.Address, none, none);
                    destination = Lease.ServerIdentifier;
                    return true;
                case DhcpState.Rebinding:
                    message = DhcpRepr.ClientMessage(DhcpMessageType.Request, _xid, secs, false, _mac, Lease.Address, none, none);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Schedules the retransmission of the message just sent.</summary>
        public void OnTransmitted(Instant now)
        {
            long t = now.Milliseconds;
            _attempts++;
            if (State == DhcpState.Renewing || State == DhcpState.Rebinding)
            {
                // RFC 2131 §4.4.5: half the time remaining to T2 (or expiry), at least 60 s.
                long until = State == DhcpState.Renewing ? _rebindAtMs : _expireAtMs;
                long wait = System.Math.Max((until - t) / 2, _config.MinRenewRetransmitMs);
                _nextTransmitMs = t + wait;
                return;
            }
            _nextTransmitMs = t + _retransmitMs + _random.NextSymmetric(_config.JitterMs);
            _retransmitMs = System.Math.Min(_retransmitMs * 2, _config.MaxRetransmitMs);
        }

        /// <summary>
        /// Handles a DHCP reply: an OFFER moves SELECTING to REQUESTING (None); an ACK binds (Bound) or
        /// extends (Renewed) the lease, and the caller configures <see cref="Lease"/>; a NAK drops it (Lost
        /// when there was one), and the caller deconfigures. Replies to another transaction or client, or
        /// that the state does not expect, are ignored (None).
        /// </summary>
        public DhcpEvent Process(in DhcpRepr reply, Instant now)
        {
            if (!reply.IsReply || reply.TransactionId != _xid || !reply.ClientHardwareAddress.Equals(_mac)) return DhcpEvent.None;
            long t = now.Milliseconds;
            switch (State)
            {
                case DhcpState.Selecting:
                    if (reply.MessageType != DhcpMessageType.Offer) return DhcpEvent.None;
                    if (!reply.YourAddress.IsUnicast || reply.ServerIdentifier.IsUnspecified) return DhcpEvent.None;
                    // The first acceptable offer wins (RFC 2131 §4.4.1 lets the client choose).
                    _offeredAddress = reply.YourAddress;
                    _offerServer = reply.ServerIdentifier;
                    State = DhcpState.Requesting;
                    ResetBackoff(t);
                    return DhcpEvent.None;
                case DhcpState.Requesting:
                case DhcpState.Renewing:
                case DhcpState.Rebinding:
                    if (reply.MessageType == DhcpMessageType.Nak)
                    {
                        // In REQUESTING the NAK must come from the server we chose.
                        if (State == DhcpState.Requesting && !reply.ServerIdentifier.IsUnspecified
                            && !reply.ServerIdentifier.Equals(_offerServer)) return DhcpEvent.None;
                        NaksReceived++;
                        bool hadLease = HasLease;
                        StartDiscovery(t);
                        return hadLease ? Report(DhcpEvent.Lost) : DhcpEvent.None;
                    }
                    if (reply.MessageType != DhcpMessageType.Ack || !reply.YourAddress.IsUnicast) return DhcpEvent.None;
                    if (State == DhcpState.Requesting && !reply.ServerIdentifier.IsUnspecified
                        && !reply.ServerIdentifier.Equals(_offerServer)) return DhcpEvent.None;
                    return Bind(reply, t);
                default:
                    return DhcpEvent.None;
            }
        }

        private DhcpEvent Bind(in DhcpRepr ack, long t)
        {
            DhcpEvent happened = HasLease ? DhcpEvent.Renewed : DhcpEvent.Bound;
            uint lease = ack.LeaseTime != 0 ? ack.LeaseTime : _config.DefaultLeaseSeconds;
            Ipv4Address server = !ack.ServerIdentifier.IsUnspecified ? ack.ServerIdentifier
                : (HasLease ? Lease.ServerIdentifier : _offerServer);
            Ipv4Address mask = !ack.SubnetMask.IsUnspecified ? ack.SubnetMask : ClassfulMask(ack.YourAddress);
            Lease = new DhcpLease(ack.YourAddress, mask, ack.Router, server, lease,
                ack.ManagerAddress, ack.ManagerPort, new Instant(t));
            if (lease == 0xFFFF_FFFFu)
            {
                // Infinite lease (RFC 2132 §9.2): never renew.
                _renewAtMs = _rebindAtMs = _expireAtMs = Infinite;
            }
            else
            {
                long leaseMs = (long)lease * 1000;
                long t1 = (long)ack.RenewalTime * 1000;
                long t2 = (long)ack.RebindingTime * 1000;
                // RFC 2131 §4.4.5 defaults: T1 = 0.5 lease, T2 = 0.875 lease; ignore inconsistent values.
                if (t2 <= 0 || t2 >= leaseMs) t2 = leaseMs * 7 / 8;
                if (t1 <= 0 || t1 >= t2) t1 = leaseMs / 2;
                _renewAtMs = t + t1;
                _rebindAtMs = t + t2;
                _expireAtMs = t + leaseMs;
            }
            State = DhcpState.Bound;
            return Report(happened);
        }

        private void StartDiscovery(long t)
        {
            _xid = _random.NextUInt32();
            _startedAtMs = t;
            State = DhcpState.Selecting;
            ResetBackoff(t);
            if (_config.InitialDelayMaxMs > 0)
                _nextTransmitMs = t + (long)(_random.NextUInt32() % (uint)(_config.InitialDelayMaxMs + 1));
        }

        private void EnterRenewal(DhcpState state, long t)
        {
            if (state == DhcpState.Renewing) _xid = _random.NextUInt32();
            State = state;
            _nextTransmitMs = t;
            _attempts = 0;
        }

        private void ResetBackoff(long t)
        {
            _nextTransmitMs = t;
            _retransmitMs = _config.InitialRetransmitMs;
            _attempts = 0;
        }

        /// <summary>The pre-CIDR default mask (RFC 1122 §3.3.1.1 asks for a mask; this is the fallback).</summary>
        private static Ipv4Address ClassfulMask(Ipv4Address address)
        {
            uint top = address.Value >> 24;
            if (top < 128) return new Ipv4Address(0xFF00_0000u);
            if (top < 192) return new Ipv4Address(0xFFFF_0000u);
            return new Ipv4Address(0xFFFF_FF00u);
        }
    }
}
