using System;
using UefiRecovery.Efi.Uefi;

namespace UefiRecovery.Efi.Services.Console;

/// <summary>
/// Builds one console line in a caller-provided buffer (no allocation) and writes it to ConOut.
/// Numbers are formatted with the corlib's TryFormat. Text that does not fit is cut off, never overrun.
/// </summary>
internal ref struct ConsoleLine
{
    private readonly Span<char> _buffer;
    private int _length;

    /// <param name="buffer">Scratch space, e.g. <c>stackalloc char[160]</c>; one char is kept for the terminator.</param>
    internal ConsoleLine(Span<char> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    private int Room => _buffer.Length - 1 - _length;

    internal ReadOnlySpan<char> Text => _buffer.Slice(0, _length);

    internal ConsoleLine Append(scoped ReadOnlySpan<char> text)
    {
        int n = Math.Min(text.Length, Room);
        text.Slice(0, n).CopyTo(_buffer.Slice(_length));
        _length += n;
        return this;
    }

    internal ConsoleLine AppendDecimal(ulong value)
    {
        if (value.TryFormat(_buffer.Slice(_length, Room), out int written))
            _length += written;
        return this;
    }

    internal ConsoleLine AppendDecimal(long value)
    {
        if (value.TryFormat(_buffer.Slice(_length, Room), out int written))
            _length += written;
        return this;
    }

    /// <summary>Appends "0x" and upper-case hex digits (at least <paramref name="minDigits"/>).</summary>
    internal ConsoleLine AppendHex(ulong value, int minDigits = 1)
    {
        Append("0x");
        Span<char> format = stackalloc char[3];
        format[0] = 'X';
        format[1] = (char)('0' + minDigits / 10 % 10);
        format[2] = (char)('0' + minDigits % 10);
        if (value.TryFormat(_buffer.Slice(_length, Room), out int written, format))
            _length += written;
        return this;
    }

    /// <summary>Writes the line followed by CR LF, in one OutputString call (nothing when there is no console).</summary>
    internal void WriteLine(UefiConsole console)
    {
        Append("\r\n");
        _buffer[_length] = '\0';
        console.OutputString(_buffer.Slice(0, _length + 1));
    }
}
