using System;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Platform;

/// <summary>
/// Single-value lookups of settings by key (<c>"uefirecovery.next="u8</c>). Once the app's configuration is
/// resolved (<see cref="ConfigResolution"/>), the values come from that resolution, so the EFI variable and
/// the ESP file take precedence over SMBIOS here too; before that (or in the build without the portable
/// core) from the SMBIOS type 11 OEM strings alone, first match wins.
/// </summary>
internal readonly unsafe struct SmbiosOemConfig
{
    private readonly SystemTable* _systemTable;
    private readonly bool _hasTable;

    private SmbiosOemConfig(SystemTable* systemTable, bool hasTable)
    {
        _systemTable = systemTable;
        _hasTable = hasTable;
    }

    /// <summary>Reads the SMBIOS table location once; without SMBIOS every lookup is "not set".</summary>
    public static SmbiosOemConfig Open(SystemTable* systemTable)
        => new SmbiosOemConfig(systemTable, SmbiosFirmwareTable.TryGetTable(systemTable, out _, out _, out _));

    /// <summary>
    /// Copies the value of <paramref name="keyWithEquals"/> (ASCII, e.g. "uefirecovery.mode=") into
    /// <paramref name="value"/>. False when absent or too long.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> keyWithEquals, Span<char> value, out int length)
    {
        length = 0;
#if PORTABLE_CORE
        UefiRecovery.Core.Config.ConfigEntryStore? store = ConfigResolution.Store;
        if (store != null)
        {
            for (int i = 0; i < store.Count; i++)
            {
                ReadOnlySpan<char> entry = store.GetEntry(i);
                if (!StartsWith(entry, keyWithEquals))
                    continue;
                ReadOnlySpan<char> found = entry.Slice(keyWithEquals.Length);
                if (found.Length > value.Length)
                    return false;
                found.CopyTo(value);
                length = found.Length;
                return true;
            }
            return false;
        }
#endif
        if (!_hasTable || !SmbiosFirmwareTable.TryGetTable(_systemTable, out ReadOnlySpan<byte> table, out int limit, out _))
            return false;
        return SmbiosOemStrings.TryFindValue(table, limit, keyWithEquals, value, out length);
    }

    /// <summary>True when the key is present with exactly <paramref name="expected"/> as its value.</summary>
    public bool Is(ReadOnlySpan<byte> keyWithEquals, ReadOnlySpan<char> expected)
    {
        Span<char> value = stackalloc char[64];
        return TryGet(keyWithEquals, value, out int length) && value.Slice(0, length).SequenceEqual(expected);
    }

    private static bool StartsWith(ReadOnlySpan<char> entry, ReadOnlySpan<byte> prefix)
    {
        if (entry.Length < prefix.Length)
            return false;
        for (int i = 0; i < prefix.Length; i++)
        {
            if (entry[i] != prefix[i]) return false;
        }
        return true;
    }
}
