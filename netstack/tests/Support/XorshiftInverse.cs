namespace UefiRecovery.Netstack.Tests.Support
{
    /// <summary>
    /// Inverts one xorshift32 step so a test can pick the seed whose first output is a captured
    /// DHCP transaction id (so real dnsmasq replies match the client without editing them).
    /// </summary>
    public static class XorshiftInverse
    {
        public static uint SeedFor(uint firstOutput)
        {
            uint x = firstOutput;
            x = UndoLeft(x, 5);
            x = UndoRight(x, 17);
            x = UndoLeft(x, 13);
            return x;
        }

        private static uint UndoLeft(uint y, int shift)
        {
            uint x = y;
            for (int i = 0; i < 32 / shift + 1; i++) x = y ^ (x << shift);
            return x;
        }

        private static uint UndoRight(uint y, int shift)
        {
            uint x = y;
            for (int i = 0; i < 32 / shift + 1; i++) x = y ^ (x >> shift);
            return x;
        }
    }
}
