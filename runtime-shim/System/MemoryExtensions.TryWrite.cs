using System.Runtime.CompilerServices;

namespace System;

public static partial class MemoryExtensions
{
    /// <summary>
    /// Writes an interpolated string into <paramref name="destination"/>, as .NET does: true and the length
    /// written, or false and 0 when it does not all fit (the destination's content is then unspecified).
    /// </summary>
    public static bool TryWrite(this Span<char> destination, [InterpolatedStringHandlerArgument(nameof(destination))] ref TryWriteInterpolatedStringHandler handler, out int charsWritten)
    {
        // The compiler built the handler over destination; this only reads its outcome.
        if (handler._success)
        {
            charsWritten = handler._pos;
            return true;
        }
        charsWritten = 0;
        return false;
    }

    /// <summary>
    /// The compiler's builder for <see cref="TryWrite(Span{char}, ref TryWriteInterpolatedStringHandler, out int)"/>:
    /// literals and values are written straight into the destination, nothing is allocated. The subset of
    /// .NET's members: no alignment, no provider, no object; a value must be <see cref="ISpanFormattable"/>
    /// (the constraint .NET does not have makes anything else a compile error here instead of a boxing
    /// ToString), and is formatted by a constrained call, so a struct is never boxed.
    /// </summary>
    [InterpolatedStringHandler]
    public ref struct TryWriteInterpolatedStringHandler
    {
        private readonly Span<char> _destination;
        internal int _pos;
        internal bool _success;

        public TryWriteInterpolatedStringHandler(int literalLength, int formattedCount, Span<char> destination, out bool shouldAppend)
        {
            _destination = destination;
            _pos = 0;
            // As .NET: when the literals alone do not fit, nothing is appended.
            _success = shouldAppend = destination.Length >= literalLength;
        }

        public bool AppendLiteral(string value) => AppendSpan(value);

        public bool AppendFormatted(scoped ReadOnlySpan<char> value) => AppendSpan(value);

        /// <summary>A null string appends nothing (as .NET).</summary>
        public bool AppendFormatted(string? value) => AppendSpan(value);

        public bool AppendFormatted<T>(T value) where T : ISpanFormattable => AppendFormatted(value, null);

        public bool AppendFormatted<T>(T value, string? format) where T : ISpanFormattable
        {
            if (value.TryFormat(_destination.Slice(_pos), out int written, format, null))
            {
                _pos += written;
                return true;
            }
            return Fail();
        }

        private bool AppendSpan(scoped ReadOnlySpan<char> value)
        {
            if (value.TryCopyTo(_destination.Slice(_pos)))
            {
                _pos += value.Length;
                return true;
            }
            return Fail();
        }

        private bool Fail()
        {
            _success = false;
            return false;
        }
    }
}
