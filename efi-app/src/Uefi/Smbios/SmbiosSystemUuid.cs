namespace UefiRecovery.Efi.Uefi.Smbios;

/// <summary>
/// The system UUID of the SMBIOS System Information structure (type 1, DSP0134 3.7 §7.2: 16 bytes at offset 08h),
/// in the order of its text form, as Linux prints <c>/sys/class/dmi/id/product_uuid</c>: SMBIOS 2.6 and later
/// store the first three fields little-endian (§7.2.1), so they are swapped here. An instruction names its
/// machine by this UUID (docs/protocol.md §4.11).
/// </summary>
public static class SmbiosSystemUuid
{
    public const byte SystemInformationType = 1;
    public const int UuidOffset = 0x08;
    public const int Length = 16;

    /// <summary>
    /// The first type 1 structure's UUID into <paramref name="uuid"/> (16 bytes); false when there is no table, no
    /// type 1, a formatted area too short for the UUID, or a UUID that is all zeros or all ones ("not present / not set").
    /// </summary>
    public static bool TryRead(UefiSystemTable system, Span<byte> uuid)
    {
        if (uuid.Length < Length || !SmbiosFirmwareTable.TryGetTable(system, out ReadOnlySpan<byte> table, out int limit, out _))
            return false;
        var walker = new SmbiosStructureWalker(table, limit);
        while (walker.TryNext(out SmbiosStructure structure))
        {
            if (structure.Type != SystemInformationType)
                continue;
            if (structure.Formatted.Length < UuidOffset + Length)
                return false;
            ReadOnlySpan<byte> stored = structure.Formatted.Slice(UuidOffset, Length);
            // time_low (4), time_mid (2), time_hi_and_version (2): little-endian in the table.
            uuid[0] = stored[3]; uuid[1] = stored[2]; uuid[2] = stored[1]; uuid[3] = stored[0];
            uuid[4] = stored[5]; uuid[5] = stored[4];
            uuid[6] = stored[7]; uuid[7] = stored[6];
            stored.Slice(8, 8).CopyTo(uuid.Slice(8));
            return !AllEqual(uuid.Slice(0, Length), 0x00) && !AllEqual(uuid.Slice(0, Length), 0xFF);
        }
        return false;
    }

    private static bool AllEqual(ReadOnlySpan<byte> bytes, byte value)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != value)
                return false;
        }
        return true;
    }
}
