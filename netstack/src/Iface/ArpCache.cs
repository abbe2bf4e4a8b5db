using UefiRecovery.Netstack.Wire;

namespace UefiRecovery.Netstack.Iface
{
    /// <summary>
    /// A small fixed-size IPv4-to-MAC cache with ageing and outstanding-request tracking
    /// (RFC 826 with the timers of RFC 1122 §2.3.2.1: entries expire, requests are rate-limited).
    /// When full, the entry closest to expiry is replaced.
    /// </summary>
    public sealed class ArpCache
    {
        private readonly Ipv4Address[] _address;
        private readonly MacAddress[] _mac;
        private readonly ArpLookup[] _state;
        /// <summary>Resolved/Failed: when the entry expires. Pending: when the next request is due.</summary>
        private readonly long[] _deadline;
        private readonly int[] _retriesLeft;
        private readonly InterfaceConfig _config;

        public ArpCache(InterfaceConfig config)
        {
            _config = config;
            int n = config.ArpCacheEntries;
            _address = new Ipv4Address[n];
            _mac = new MacAddress[n];
            _state = new ArpLookup[n];
            _deadline = new long[n];
            _retriesLeft = new int[n];
        }

        public int Capacity => _state.Length;

        public ArpLookup Lookup(Ipv4Address address, Instant now, out MacAddress mac)
        {
            mac = default;
            int i = Find(address);
            if (i < 0) return ArpLookup.Unknown;
            ArpLookup state = _state[i];
            if (state == ArpLookup.Resolved) mac = _mac[i];
            return state;
        }

        /// <summary>
        /// RFC 826 "merge": refreshes an existing entry for the sender; adds one only when
        /// <paramref name="create"/> (the packet was addressed to us).
        /// </summary>
        public void Update(Ipv4Address address, MacAddress mac, Instant now, bool create)
        {
            int i = Find(address);
            if (i < 0)
            {
                if (!create) return;
                i = FindVictim();
                _address[i] = address;
            }
            _mac[i] = mac;
            _state[i] = ArpLookup.Resolved;
            _deadline[i] = now.Milliseconds + _config.ArpEntryLifetimeMs;
        }

        /// <summary>Records that a first request for <paramref name="address"/> has just been sent.</summary>
        public void StartResolving(Ipv4Address address, Instant now)
        {
            int i = Find(address);
            if (i < 0)
            {
                i = FindVictim();
                _address[i] = address;
            }
            _state[i] = ArpLookup.Pending;
            _deadline[i] = now.Milliseconds + _config.ArpRetryIntervalMs;
            _retriesLeft[i] = _config.ArpRetries;
        }

        /// <summary>
        /// Expires old entries and finds the next outstanding request due again. Returns true with
        /// the address to ask for; the caller sends one request per true result.
        /// </summary>
        public bool TryTakeDueRequest(Instant now, out Ipv4Address address)
        {
            address = default;
            for (int i = 0; i < _state.Length; i++)
            {
                if (_state[i] == ArpLookup.Unknown || now.Milliseconds < _deadline[i]) continue;
                if (_state[i] != ArpLookup.Pending)
                {
                    _state[i] = ArpLookup.Unknown;
                    continue;
                }
                if (_retriesLeft[i] == 0)
                {
                    // Negative entry: senders drop datagrams for this address for a while.
                    _state[i] = ArpLookup.Failed;
                    _deadline[i] = now.Milliseconds + _config.ArpFailedLifetimeMs;
                    continue;
                }
                _retriesLeft[i]--;
                _deadline[i] = now.Milliseconds + _config.ArpRetryIntervalMs;
                address = _address[i];
                return true;
            }
            return false;
        }

        public void Clear()
        {
            for (int i = 0; i < _state.Length; i++) _state[i] = ArpLookup.Unknown;
        }

        private int Find(Ipv4Address address)
        {
            for (int i = 0; i < _state.Length; i++)
                if (_state[i] != ArpLookup.Unknown && _address[i].Value == address.Value) return i;
            return -1;
        }

        private int FindVictim()
        {
            int victim = 0;
            for (int i = 0; i < _state.Length; i++)
            {
                if (_state[i] == ArpLookup.Unknown) return i;
                if (_deadline[i] < _deadline[victim]) victim = i;
            }
            return victim;
        }
    }
}
