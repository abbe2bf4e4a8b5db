using System.Diagnostics.CodeAnalysis;

namespace UefiRecovery.Efi.Services.Console;

/// <summary>
/// Builds one console line in a caller-provided buffer (no allocation) and writes it to ConOut. Every Append
/// adds to this line in place and returns it, so a line is one chain, or a variable appended to in
/// statements (<c>line.Append(..);</c>), never <c>x.Append(..)</c>. Values format themselves into the
/// space left (the corlib's and the types' own TryFormat, as in dotnet/runtime); a value that does not fit
/// is left out, and text that does not fit is cut off, never overrun.
/// </summary>
internal ref partial struct ConsoleLine
{
    private readonly Span<char> _buffer;
    private int _length;

    /// <param name="buffer">Scratch space, e.g. <c>stackalloc char[160]</c>; one char is kept for the terminator.</param>
    internal ConsoleLine(Span<char> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    private readonly int Room => _buffer.Length - 1 - _length;

    /// <summary>
    /// The space left, for a value's TryFormat or for MemoryExtensions.TryWrite with an interpolated string (formatted
    /// in place, nothing allocated); <see cref="Advance"/> by what it wrote:
    /// <c>line.Advance(line.Free.TryWrite($"A={a} B={b}", out int written), written)</c>. TryWrite is all or nothing:
    /// text that does not fit all is left out whole.
    /// </summary>
    internal readonly Span<char> Free => _buffer.Slice(_length, Room);

    internal readonly ReadOnlySpan<char> Text => _buffer.Slice(0, _length);

    [UnscopedRef]
    internal ref ConsoleLine Append(scoped ReadOnlySpan<char> text)
    {
        int n = Math.Min(text.Length, Room);
        text.Slice(0, n).CopyTo(_buffer.Slice(_length));
        _length += n;
        return ref this;
    }

    [UnscopedRef]
    internal ref ConsoleLine AppendDecimal(ulong value) => ref Advance(value.TryFormat(Free, out int written), written);

    [UnscopedRef]
    internal ref ConsoleLine AppendDecimal(long value) => ref Advance(value.TryFormat(Free, out int written), written);

    /// <summary>Appends "0x" and upper-case hex digits (at least <paramref name="minDigits"/>).</summary>
    [UnscopedRef]
    internal ref ConsoleLine AppendHex(ulong value, int minDigits = 1)
    {
        Append("0x");
        Span<char> format = stackalloc char[3];
        format[0] = 'X';
        format[1] = (char)('0' + minDigits / 10 % 10);
        format[2] = (char)('0' + minDigits % 10);
        return ref Advance(value.TryFormat(Free, out int written, format), written);
    }

    /// <summary>The GUID in registry form, upper case (EfiGuid.TryFormat).</summary>
    [UnscopedRef]
    internal ref ConsoleLine Append(in EfiGuid guid) => ref Advance(guid.TryFormat(Free, out int written), written);

    /// <summary>Writes the line followed by CR LF, in one OutputString call (nothing when there is no console).</summary>
    internal void WriteLine(UefiConsole console)
    {
        Append("\r\n");
        _buffer[_length] = '\0';
        console.OutputString(_buffer.Slice(0, _length + 1));
    }

    /// <summary>Takes in what was written into <see cref="Free"/> (nothing when <paramref name="formatted"/> is false).</summary>
    [UnscopedRef]
    internal ref ConsoleLine Advance(bool formatted, int written)
    {
        if (formatted)
            _length += written;
        return ref this;
    }
}
