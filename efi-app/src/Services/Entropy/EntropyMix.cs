namespace UefiRecovery.Efi.Services.Entropy;

/// <summary>
/// Turns the boot's entropy pool plus the old per-machine inputs (MAC, firmware counter) into one
/// seed. Every input goes through a bijective 64-bit finalizer before the next is folded in, so a
/// source that returns a constant (a broken RNG, a stuck RDRAND) costs nothing: the seed then varies
/// with the MAC and counter exactly as before. Nothing here is secret-grade; it only makes xids and
/// nonces unpredictable to a peer and distinct across identical machines.
/// </summary>
internal static class EntropyMix
{
    /// <summary>SplitMix64's golden-ratio increment (Steele, Lea, Flood, "Fast splittable PRNGs", OOPSLA 2014).</summary>
    internal const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// SplitMix64's output finalizer (Stafford's "Mix13" variant, as in the paper's reference code):
    /// a bijection on 64 bits where each input bit flips about half of the output bits.
    /// </summary>
    internal static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// One derived seed. <paramref name="draw"/> counts the seeds taken this boot, so the netstack,
    /// DHCP and protocol seeds differ from each other even when every other input is equal.
    /// </summary>
    internal static ulong Derive(ulong pool0, ulong pool1, ulong mac, ulong counter, ulong draw)
    {
        ulong h = Finalize(pool0 + GoldenGamma);
        h = Finalize(h ^ pool1);
        h = Finalize(h ^ mac);
        h = Finalize(h ^ counter);
        return Finalize(h ^ (draw * GoldenGamma));
    }
}
