namespace UefiRecovery.Netstack.Iface
{
    /// <summary>Sizes and timers of an interface, fixed at setup. Times are in milliseconds.</summary>
    public sealed class InterfaceConfig
    {
        public int ArpCacheEntries = 8;
        /// <summary>How long a learned mapping is trusted (Linux's base_reachable_time is 30 s; a minute is plenty for a few peers).</summary>
        public int ArpEntryLifetimeMs = 60_000;
        public int ArpRetryIntervalMs = 1_000;
        /// <summary>Requests sent after the first one before the address counts as unreachable.</summary>
        public int ArpRetries = 3;
        /// <summary>How long an unanswered address stays "failed" before a new resolution may start.</summary>
        public int ArpFailedLifetimeMs = 3_000;
        /// <summary>Gratuitous ARP announcements when an address is configured (RFC 5227 §2.3 sends two, 2 s apart).</summary>
        public int AnnounceCount = 2;
        public int AnnounceIntervalMs = 2_000;
        /// <summary>Frames taken from the device per Poll, so one Poll cannot starve the caller.</summary>
        public int MaxFramesPerPoll = 32;
        public int MaxUdpSockets = 4;
        public int MaxMulticastGroups = 4;
        /// <summary>Unsolicited IGMP reports after a join beyond the first (RFC 2236 §3: "repeat once or twice").</summary>
        public int IgmpUnsolicitedRepeats = 1;
        /// <summary>Repeats go out at a random time within this interval (RFC 2236 §8.10: 10 s).</summary>
        public int IgmpUnsolicitedIntervalMs = 10_000;
        /// <summary>Seed for IGMP report delays; 0 derives one from the MAC address.</summary>
        public uint RandomSeed;
    }
}
