using System;
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Boot;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Network;

/// <summary>
/// The first configuration source: every SMBIOS type 11 OEM string (DSP0134 §7.12) that starts with
/// <c>uefirecovery.</c> is applied to a <see cref="RecoveryConfig"/> in table order, so a later string
/// overrides an earlier one. Rejected entries are printed with their reason under <paramref name="tag"/>.
/// </summary>
internal static unsafe class SmbiosConfigSource
{
    /// <summary>Longest OEM string considered; longer ones are reported and skipped.</summary>
    private const int MaxEntryLength = 128;

    /// <returns>The number of rejected <c>uefirecovery.</c> entries.</returns>
    public static int Apply(SystemTable* systemTable, RecoveryConfig config, ReadOnlySpan<char> tag)
    {
        if (!SmbiosFirmwareTable.TryGetTable(systemTable, out ReadOnlySpan<byte> table, out int limit, out _))
            return 0;
        int rejected = 0;
        Span<char> entry = stackalloc char[MaxEntryLength];
        Span<char> lineBuffer = stackalloc char[240];
        var walker = new SmbiosStructureWalker(table, limit);
        while (walker.TryNext(out SmbiosStructure structure))
        {
            if (!SmbiosOemStrings.TryGetCount(structure, out int count))
                continue;
            for (int number = 1; number <= count; number++)
            {
                if (!structure.TryGetString(number, out ReadOnlySpan<byte> text))
                    break;
                if (!SmbiosOemStrings.TryCopyAscii(text, entry, out int length))
                {
                    if (StartsWithPrefix(text))
                    {
                        rejected++;
                        new ConsoleLine(lineBuffer).Append(tag).Append(" CONFIG rejected source=smbios reason=\"longer than 128 characters or not ASCII\"").WriteLine(systemTable);
                    }
                    continue;
                }
                ConfigApplyResult result = config.TryApplyEntry(entry.Slice(0, length));
                if (result.Status == ConfigStatus.Applied || result.Status == ConfigStatus.NotOurs || result.Status == ConfigStatus.OtherSection)
                    continue;
                rejected++;
                new ConsoleLine(lineBuffer).Append(tag).Append(" CONFIG rejected source=smbios entry=\"")
                    .Append(entry.Slice(0, length)).Append("\" reason=\"").Append(result.Reason).Append("\"").WriteLine(systemTable);
            }
        }
        return rejected;
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
