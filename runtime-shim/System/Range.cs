namespace System;

/// <summary>A start and end index (a..b), as in .NET.</summary>
public readonly struct Range : IEquatable<Range>
{
    public Index Start { get; }
    public Index End { get; }

    public Range(Index start, Index end)
    {
        Start = start;
        End = end;
    }

    public static Range StartAt(Index start) => new Range(start, Index.End);

    public static Range EndAt(Index end) => new Range(Index.Start, end);

    public static Range All => new Range(Index.Start, Index.End);

    public bool Equals(Range other) => other.Start.Equals(Start) && other.End.Equals(End);

    public override bool Equals(object? value) => value is Range r && Equals(r);

    public override int GetHashCode() => Start.GetHashCode() * 31 + End.GetHashCode();
}
