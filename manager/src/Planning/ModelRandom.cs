namespace UefiRecovery.Manager.Planning;

/// <summary>
/// A small, fast, seeded generator (SplitMix64) for the model's dice: each machine and direction has its own, so
/// adding a machine does not change what the others draw.
/// </summary>
public struct ModelRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one stream of <paramref name="seed"/> (machine, direction, ...).</summary>
    public static ModelRandom For(ulong seed, ulong stream) => new(Mix(seed ^ Mix(stream + 0x9E3779B97F4A7C15UL)));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
