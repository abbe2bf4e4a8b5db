namespace UefiRecovery.Core.Protocol;

/// <summary>
/// xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift generators", 2016): small,
/// allocation-free and seedable, for jitter and answer spreading. Not for secrets.
/// </summary>
public sealed class ProtocolRandom
{
    private ulong _state;

    public ProtocolRandom(ulong seed)
    {
        // A zero state would stay zero; any fixed nonzero replacement keeps runs reproducible.
        _state = seed != 0 ? seed : 0x9E3779B97F4A7C15UL;
    }

    public ulong NextUInt64()
    {
        ulong x = _state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _state = x;
        return x * 0x2545F4914F6CDD1DUL;
    }

    public uint NextUInt32()
    {
        return (uint)(NextUInt64() >> 32);
    }

    /// <summary>Uniform in [0, bound); 0 when bound is 0. Multiply-shift (Lemire) instead of modulo.</summary>
    public uint NextBelow(uint bound)
    {
        return (uint)(((ulong)NextUInt32() * bound) >> 32);
    }
}
