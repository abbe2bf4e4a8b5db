using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// Splits the text of the EFI variable or the ESP file into <c>uefirecovery.key=value</c> lines. The
/// bytes are hostile: each line is bounded before it is copied, and only printable ASCII (0x20..0x7E)
/// is accepted inside a line. Rules: lines end with LF (a CR before it is dropped); spaces and tabs
/// around a line are trimmed; empty lines and lines starting with '#' are skipped; a UTF-8 byte order
/// mark at the start and NUL bytes at the very end (a C string's terminator) are ignored. A bad line
/// is reported and skipped, the rest is still read.
/// </summary>
public ref struct ConfigTextReader
{
    /// <summary>Longest line accepted (after trimming).</summary>
    public const int MaxLineLength = 256;

    private readonly ReadOnlySpan<byte> _text;
    private int _offset;

    public ConfigTextReader(ReadOnlySpan<byte> text)
    {
        int end = text.Length;
        while (end > 0 && text[end - 1] == 0)
            end--;
        int start = end >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF ? 3 : 0;
        _text = text.Slice(start, end - start);
        _offset = 0;
        LineNumber = 0;
    }

    /// <summary>1-based number of the line <see cref="Next"/> last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>
    /// The next entry copied into <paramref name="entry"/> (which must hold <see cref="MaxLineLength"/>
    /// chars), or why the next non-empty line was skipped, or <see cref="ConfigLineStatus.End"/>.
    /// </summary>
    public ConfigLineStatus Next(scoped Span<char> entry, out int length)
    {
        length = 0;
        while (_offset < _text.Length)
        {
            int lineStart = _offset;
            int lineEnd = lineStart;
            while (lineEnd < _text.Length && _text[lineEnd] != (byte)'\n')
                lineEnd++;
            _offset = lineEnd < _text.Length ? lineEnd + 1 : lineEnd;
            LineNumber++;

            int start = lineStart;
            int end = lineEnd;
            if (end > start && _text[end - 1] == (byte)'\r')
                end--;
            while (start < end && IsBlank(_text[start]))
                start++;
            while (end > start && IsBlank(_text[end - 1]))
                end--;
            if (start == end || _text[start] == (byte)'#')
                continue;
            if (end - start > MaxLineLength || end - start > entry.Length)
                return ConfigLineStatus.TooLong;
            for (int i = start; i < end; i++)
            {
                byte b = _text[i];
                if (b < 0x20 || b > 0x7E)
                    return ConfigLineStatus.BadCharacter;
            }
            for (int i = start; i < end; i++)
                entry[i - start] = (char)_text[i];
            length = end - start;
            return ConfigLineStatus.Entry;
        }
        return ConfigLineStatus.End;
    }

    private static bool IsBlank(byte b) => b == (byte)' ' || b == (byte)'\t';
}
