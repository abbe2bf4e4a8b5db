using System;

namespace UefiRecovery.Manager.Serving.Faults;

/// <summary>
/// One direction's fault decisions: a seeded random stream, the fractions, and counters. The same seed
/// gives the same decisions for the same sequence of datagrams, so a failing run can be repeated.
/// </summary>
public sealed class FaultDice(FaultOptions options, int seed)
{
    private readonly Random _random = new(seed);

    public FaultOptions Options { get; } = options;
    public FaultCounters Counters { get; } = new();

    public bool Roll(double fraction) => fraction > 0 && _random.NextDouble() < fraction;

    /// <summary>Flips 1 to 3 random bits: the damage a bad NIC, cable or driver does.</summary>
    public void Corrupt(Span<byte> bytes)
    {
        if (bytes.Length == 0) return;
        int flips = 1 + _random.Next(3);
        for (int i = 0; i < flips; i++)
        {
            int bit = _random.Next(bytes.Length * 8);
            bytes[bit >> 3] ^= (byte)(1 << (bit & 7));
        }
    }
}

/// <summary>How many datagrams each fault touched.</summary>
public sealed class FaultCounters
{
    public long Dropped;
    public long Corrupted;
    public long Duplicated;
    public long Reordered;
}
