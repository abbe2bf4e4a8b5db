namespace System;

/// <summary>
/// A value that formats itself into a span: what the interpolated-string handler
/// (<see cref="MemoryExtensions.TryWriteInterpolatedStringHandler"/>) calls, constrained, so a struct is not boxed.
/// Unlike .NET's, it does not extend IFormattable: the shim cannot build strings. A portable type that
/// implements it therefore adds IFormattable's ToString in its *.Host.cs part.
/// </summary>
public interface ISpanFormattable
{
    bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider);
}
