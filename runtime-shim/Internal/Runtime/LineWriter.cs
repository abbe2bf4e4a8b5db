using System;

namespace Internal.Runtime;

/// <summary>Fills a caller's char buffer; silently truncates when full (used only for fail-fast lines).</summary>
internal ref struct LineWriter
{
    private readonly Span<char> _buffer;
    private int _length;

    internal LineWriter(Span<char> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    internal ReadOnlySpan<char> Written => _buffer.Slice(0, _length);

    internal void Append(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length && _length < _buffer.Length; i++)
            _buffer[_length++] = text[i];
    }

    /// <summary>Appends CR LF, overwriting the last characters if the buffer is full, so the line always ends.</summary>
    internal void EndLine()
    {
        if (_buffer.Length < 2)
            return;
        if (_length > _buffer.Length - 2)
            _length = _buffer.Length - 2;
        _buffer[_length++] = '\r';
        _buffer[_length++] = '\n';
    }

    internal void AppendHex(ulong value)
    {
        if (value.TryFormat(_buffer.Slice(_length), out int written, "X"))
            _length += written;
    }
}
