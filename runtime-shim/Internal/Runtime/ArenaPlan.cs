namespace Internal.Runtime;

/// <summary>How the arena serves one request (<see cref="ArenaCursor.Plan"/>).</summary>
internal enum ArenaPlan
{
    /// <summary>The request fits in the current chunk.</summary>
    Fits,

    /// <summary>The request needs a new chunk of the planned page count.</summary>
    NewChunk,

    /// <summary>The request is too big for the size arithmetic: it cannot be satisfied on any machine.</summary>
    TooLarge,

    /// <summary>The new chunk would take the pages reserved past the arena's limit.</summary>
    OverLimit,
}
