namespace UefiRecovery.Netstack
{
    /// <summary>
    /// Marsaglia's xorshift32 (shifts 13/17/5). Used for DHCP transaction ids and retransmit jitter,
    /// where unpredictability against an attacker is not a goal; only distinct machines booting at
    /// the same moment must not pick the same values. Seed from the MAC and the clock.
    /// </summary>
    public struct Xorshift32
    {
        private uint _state;

        public Xorshift32(uint seed)
        {
            // Zero is the generator's only fixed point.
            _state = seed == 0 ? 0x9E3779B9u : seed;
        }

        /// <summary>Seeds from a MAC address and a time value so two machines never share a sequence.</summary>
        public static Xorshift32 FromMacAndTime(UefiRecovery.Netstack.Wire.MacAddress mac, long time)
        {
            ulong m = mac.Value * 0x9E3779B97F4A7C15UL;
            ulong t = (ulong)time * 0xC2B2AE3D27D4EB4FUL;
            ulong mixed = m ^ t;
            return new Xorshift32((uint)(mixed ^ (mixed >> 32)));
        }

        public uint NextUInt32()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x;
        }

        /// <summary>A value in [-range, +range]; range must be non-negative.</summary>
        public int NextSymmetric(int range)
        {
            if (range <= 0) return 0;
            uint span = (uint)range * 2 + 1;
            return (int)(NextUInt32() % span) - range;
        }
    }
}
