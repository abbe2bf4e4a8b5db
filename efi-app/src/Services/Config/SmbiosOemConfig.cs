using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// Single-value lookups of settings by key (<c>"uefirecovery.mode="u8</c>) in the SMBIOS type 11 OEM strings,
/// first match wins: the build without the portable core (IncludePortable=false) reads its few settings
/// this way; the full app resolves every source once (<see cref="ConfigResolution"/>).
/// </summary>
internal readonly struct SmbiosOemConfig
{
    private readonly UefiSystemTable _system;
    private readonly bool _hasTable;

    private SmbiosOemConfig(UefiSystemTable system, bool hasTable)
    {
        _system = system;
        _hasTable = hasTable;
    }

    /// <summary>Reads the SMBIOS table location once; without SMBIOS every lookup is "not set".</summary>
    public static SmbiosOemConfig Open(UefiSystemTable system)
        => new SmbiosOemConfig(system, SmbiosFirmwareTable.TryGetTable(system, out _, out _, out _));

    /// <summary>
    /// Copies the value of <paramref name="keyWithEquals"/> (ASCII, e.g. "uefirecovery.mode=") into
    /// <paramref name="value"/>. False when absent or too long.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> keyWithEquals, Span<char> value, out int length)
    {
        length = 0;
        if (!_hasTable || !SmbiosFirmwareTable.TryGetTable(_system, out ReadOnlySpan<byte> table, out int limit, out _))
            return false;
        return SmbiosOemStrings.TryFindValue(table, limit, keyWithEquals, value, out length);
    }

    /// <summary>True when the key is present with exactly <paramref name="expected"/> as its value.</summary>
    public bool Is(ReadOnlySpan<byte> keyWithEquals, ReadOnlySpan<char> expected)
    {
        Span<char> value = stackalloc char[64];
        return TryGet(keyWithEquals, value, out int length) && value.Slice(0, length).SequenceEqual(expected);
    }
}
