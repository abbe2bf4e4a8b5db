namespace UefiRecovery.Netstack
{
    /// <summary>
    /// A point in time in milliseconds on a monotonic clock the caller owns. Portable code never
    /// reads a clock: every Poll receives "now", and tests step it by hand.
    /// </summary>
    public readonly struct Instant
    {
        public Instant(long milliseconds) { Milliseconds = milliseconds; }

        public long Milliseconds { get; }

        public static Instant FromMilliseconds(long milliseconds) => new Instant(milliseconds);

        public static Instant FromSeconds(long seconds) => new Instant(seconds * 1000);

        public Instant AddMilliseconds(long milliseconds) => new Instant(Milliseconds + milliseconds);

        /// <summary>True when this instant is at or after <paramref name="deadline"/>.</summary>
        public bool HasReached(Instant deadline) => Milliseconds >= deadline.Milliseconds;
    }
}
