namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// OEM Strings (Type 11, DSP0134 3.7 §7.12): a Count byte at offset 04h, then Count free-form
/// strings. QEMU fills one from <c>-smbios type=11,value=...</c>, which is how a test run tells the
/// app what to do. Strings are copied into caller spans; nothing is allocated.
/// </summary>
public static class SmbiosOemStrings
{
    public const byte StructureType = 11;

    /// <summary>Header plus the Count byte (§7.12, Table 31).</summary>
    public const int MinimumLength = 5;

    private const int CountOffset = 4;

    /// <summary>The Count field of a type 11 structure; false for other types or a too-short formatted area.</summary>
    public static bool TryGetCount(in SmbiosStructure structure, out int count)
    {
        count = 0;
        if (structure.Type != StructureType || structure.Formatted.Length < MinimumLength)
        {
            return false;
        }

        count = structure.Formatted[CountOffset];
        return true;
    }

    /// <summary>
    /// OEM string <paramref name="number"/> (1..Count) as a view over the table. False when the
    /// structure is not type 11, the number is out of 1..Count, or the string-set holds fewer strings.
    /// </summary>
    public static bool TryGetString(in SmbiosStructure structure, int number, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (!TryGetCount(structure, out int count) || number < 1 || number > count)
        {
            return false;
        }

        return structure.TryGetString(number, out text);
    }

    /// <summary>
    /// Finds the first OEM string, across every type 11 structure of the table, that starts with
    /// <paramref name="prefix"/>, and copies what follows the prefix into <paramref name="destination"/>
    /// as UTF-16. False, with nothing written, when no string matches, the value holds a non-ASCII byte,
    /// or the destination is too short. The walk stops at the first malformed structure.
    /// </summary>
    /// <param name="table">The structure table bytes.</param>
    /// <param name="structureLimit">2.x NumberOfSmbiosStructures, or 0.</param>
    public static bool TryFindValue(ReadOnlySpan<byte> table, int structureLimit, ReadOnlySpan<byte> prefix,
        Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        SmbiosStructureWalker walker = new SmbiosStructureWalker(table, structureLimit);
        while (walker.TryNext(out SmbiosStructure structure))
        {
            if (!TryGetCount(structure, out int count))
            {
                continue;
            }

            for (int number = 1; number <= count; number++)
            {
                if (!structure.TryGetString(number, out ReadOnlySpan<byte> text))
                {
                    break;
                }

                if (text.Length >= prefix.Length && text.Slice(0, prefix.Length).SequenceEqual(prefix))
                {
                    return TryCopyAscii(text.Slice(prefix.Length), destination, out charsWritten);
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Copies an ASCII string into UTF-16 chars. False, with nothing written, when the destination is
    /// too short or a byte is outside ASCII (SMBIOS strings may be UTF-8; this project's values are ASCII).
    /// </summary>
    public static bool TryCopyAscii(ReadOnlySpan<byte> text, Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (text.Length > destination.Length)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] >= 0x80)
            {
                return false;
            }
        }

        for (int i = 0; i < text.Length; i++)
        {
            destination[i] = (char)text[i];
        }

        charsWritten = text.Length;
        return true;
    }
}
