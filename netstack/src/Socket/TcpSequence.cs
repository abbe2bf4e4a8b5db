namespace UefiRecovery.Netstack.Socket
{
    /// <summary>Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): a precedes b when (a - b) as int32 is negative.</summary>
    internal static class TcpSequence
    {
        public static bool Lt(uint a, uint b) => (int)(a - b) < 0;
        public static bool Le(uint a, uint b) => (int)(a - b) <= 0;
        public static bool Gt(uint a, uint b) => (int)(a - b) > 0;
        public static bool Ge(uint a, uint b) => (int)(a - b) >= 0;

        /// <summary>start &lt;= value &lt; start + length (length 0: never).</summary>
        public static bool InWindow(uint value, uint start, uint length) => value - start < length;
    }
}
