namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// Walks the SMBIOS structure table (DSP0134 3.7 §6.1) one structure at a time without allocating.
/// Each step checks the header, the Length field and the string-set terminator against the bytes
/// left, so a hostile or cut table ends the walk with a status instead of a wild read.
/// </summary>
public ref struct SmbiosStructureWalker
{
    /// <summary>End-of-Table (§7.45).</summary>
    public const byte EndOfTableType = 127;

    private readonly ReadOnlySpan<byte> table;
    private readonly int structureLimit;
    private int offset;
    private int returned;

    /// <param name="table">The structure table: 2.x TableLength bytes, or 3.x TableMaximumSize bytes.</param>
    /// <param name="structureLimit">2.x NumberOfSmbiosStructures; 0 for no limit (3.x).</param>
    public SmbiosStructureWalker(ReadOnlySpan<byte> table, int structureLimit)
    {
        this.table = table;
        this.structureLimit = structureLimit;
        offset = 0;
        returned = 0;
        Status = SmbiosWalkStatus.InProgress;
    }

    public SmbiosWalkStatus Status { get; private set; }

    /// <summary>Bytes consumed so far: the offset of the next structure.</summary>
    public readonly int Offset => offset;

    /// <summary>The next structure; false once the walk has ended (see <see cref="Status"/>).</summary>
    public bool TryNext(out SmbiosStructure structure)
    {
        structure = default;
        if (Status != SmbiosWalkStatus.InProgress)
        {
            return false;
        }

        if (structureLimit > 0 && returned >= structureLimit)
        {
            Status = SmbiosWalkStatus.CountReached;
            return false;
        }

        int left = table.Length - offset;
        if (left == 0)
        {
            Status = SmbiosWalkStatus.EndOfData;
            return false;
        }

        if (left < SmbiosStructure.HeaderLength)
        {
            Status = SmbiosWalkStatus.Truncated;
            return false;
        }

        int length = table[offset + 1];
        if (length < SmbiosStructure.HeaderLength)
        {
            Status = SmbiosWalkStatus.BadLength;
            return false;
        }

        // The formatted area plus the smallest string-set (two NULs) must fit.
        if (length > left - 2)
        {
            Status = SmbiosWalkStatus.Truncated;
            return false;
        }

        ReadOnlySpan<byte> afterFormatted = table.Slice(offset + length);
        int terminator = FindDoubleNul(afterFormatted);
        if (terminator < 0)
        {
            Status = SmbiosWalkStatus.Truncated;
            return false;
        }

        // No strings: the set is just "\0\0" (§6.1.3). Otherwise keep each string's NUL, drop the last one.
        ReadOnlySpan<byte> strings = terminator == 0 ? default : afterFormatted.Slice(0, terminator + 1);
        structure = new SmbiosStructure(table.Slice(offset, length), strings);
        offset += length + terminator + 2;
        returned++;
        if (structure.Type == EndOfTableType)
        {
            Status = SmbiosWalkStatus.EndOfTable;
        }

        return true;
    }

    /// <summary>Index of the first of two consecutive NUL bytes, or -1.</summary>
    private static int FindDoubleNul(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == 0 && bytes[i + 1] == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
