namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// One SMBIOS structure (DSP0134 3.7 §6.1): a formatted area that starts with the 4-byte header
/// (Type, Length, Handle) and is Length bytes long, then the string-set. A view over the table bytes;
/// built only by <see cref="SmbiosStructureWalker"/>, which has checked every length.
/// </summary>
public readonly ref struct SmbiosStructure
{
    /// <summary>Type, Length, Handle (§6.1.2).</summary>
    public const int HeaderLength = 4;

    internal SmbiosStructure(ReadOnlySpan<byte> formatted, ReadOnlySpan<byte> strings)
    {
        Formatted = formatted;
        Strings = strings;
    }

    public byte Type => Formatted[0];

    /// <summary>The Length field: the formatted area's size, header included.</summary>
    public byte Length => Formatted[1];

    public ushort Handle => (ushort)(Formatted[2] | (Formatted[3] << 8));

    /// <summary>The formatted area, header included, exactly Length bytes.</summary>
    public ReadOnlySpan<byte> Formatted { get; }

    /// <summary>
    /// The string-set without its final terminator: each string followed by its NUL. Empty when the
    /// structure has no strings.
    /// </summary>
    public ReadOnlySpan<byte> Strings { get; }

    /// <summary>
    /// String number <paramref name="number"/> (1-based, as formatted-area fields refer to them, §6.1.3),
    /// without its NUL. False for 0 (the "no string" reference) and for numbers past the last string.
    /// </summary>
    public bool TryGetString(int number, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (number < 1)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = Strings;
        int current = 1;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf((byte)0);
            if (end < 0)
            {
                return false;
            }

            if (current == number)
            {
                text = rest.Slice(0, end);
                return true;
            }

            rest = rest.Slice(end + 1);
            current++;
        }

        return false;
    }
}
