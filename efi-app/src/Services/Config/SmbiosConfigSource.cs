#if PORTABLE_CORE
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Services.Config;

/// <summary>
/// The SMBIOS source: every type 11 OEM string (DSP0134 §7.12) that starts with <c>uefirecovery.</c>, in
/// table order, applied through <see cref="RecoveryConfig.TryApplyFrom"/> as <see cref="ConfigSource.Smbios"/>
/// (below the EFI variable and the ESP file; a key repeated in the strings is reported, the first stays).
/// </summary>
internal static class SmbiosConfigSource
{
    /// <summary>Longest OEM string considered; longer ones are reported and skipped.</summary>
    private const int MaxEntryLength = ConfigTextReader.MaxLineLength;

    /// <summary>Applies the OEM strings as one layer of the app's resolution (<see cref="ConfigResolution"/>).</summary>
    public static void ApplyLayer(UefiSystemTable system, RecoveryConfig config, IConfigReport report)
    {
        if (!SmbiosFirmwareTable.TryGetTable(system, out ReadOnlySpan<byte> table, out int limit, out _))
            return;
        Span<char> entry = stackalloc char[MaxEntryLength];
        int index = 0;
        var walker = new SmbiosStructureWalker(table, limit);
        while (walker.TryNext(out SmbiosStructure structure))
        {
            if (!SmbiosOemStrings.TryGetCount(structure, out int count))
                continue;
            for (int number = 1; number <= count; number++)
            {
                if (!structure.TryGetString(number, out ReadOnlySpan<byte> text))
                    break;
                index++;
                if (!SmbiosOemStrings.TryCopyAscii(text, entry, out int length) || !IsPrintable(entry.Slice(0, length)))
                {
                    if (StartsWithPrefix(text))
                        report.LineRejected(ConfigSource.Smbios, index, "longer than 256 characters or not printable ASCII");
                    continue;
                }
                ReadOnlySpan<char> setting = entry.Slice(0, length);
                report.Entry(ConfigSource.Smbios, index, setting, config.TryApplyFrom(ConfigSource.Smbios, setting));
            }
        }
    }

    private static bool IsPrintable(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] < ' ' || text[i] > '~') return false;
        }
        return true;
    }

    private static bool StartsWithPrefix(ReadOnlySpan<byte> text)
    {
        string prefix = ConfigKeyNames.Prefix;
        if (text.Length < prefix.Length)
            return false;
        for (int i = 0; i < prefix.Length; i++)
            if (text[i] != prefix[i]) return false;
        return true;
    }
}
#endif
