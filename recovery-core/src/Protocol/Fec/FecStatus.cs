namespace UefiRecovery.Core.Protocol.Fec;

/// <summary>Outcome of an erasure-code operation (errors are values, docs/portable-subset.md).</summary>
public enum FecStatus
{
    Ok = 0,
    /// <summary>Fragment size outside 1..the codec's maximum.</summary>
    BadFragmentSize,
    /// <summary>The block is empty or longer than <see cref="ErasureCode.MaxSourceCount"/> fragments.</summary>
    BadBlockLength,
    /// <summary>A parity buffer is not exactly one fragment long, or a slot lies outside the pool.</summary>
    BadParityLength,
    /// <summary>A parity index at or above <see cref="ErasureCode.MaxParityCount"/>.</summary>
    ParityIndexOutOfRange,
    /// <summary>A missing-fragment index at or past the block's source count.</summary>
    MissingIndexOutOfRange,
    /// <summary>More missing fragments than the decoder was sized for.</summary>
    TooManyMissing,
    /// <summary>Not exactly one parity fragment (and slot) per missing fragment.</summary>
    CountMismatch,
    /// <summary>The same missing index, parity index or slot twice.</summary>
    DuplicateIndex,
    /// <summary>
    /// The decoded short last fragment has non-zero padding: some input was not what the encoder made
    /// (a forged or damaged parity fragment). Nothing was written.
    /// </summary>
    Inconsistent,
}
