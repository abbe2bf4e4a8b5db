using System;
using UefiRecovery.Core.Config;
using UefiRecovery.Efi.Boot;
using UefiRecovery.Efi.Platform;
using UefiRecovery.Efi.Uefi.Raw;
using UefiRecovery.Efi.Uefi.Smbios;

namespace UefiRecovery.Efi.Network;

/// <summary>
/// The SMBIOS source: every type 11 OEM string (DSP0134 §7.12) that starts with <c>uefirecovery.</c>, in
/// table order, applied through <see cref="RecoveryConfig.TryApplyFrom"/> as <see cref="ConfigSource.Smbios"/>
/// (below the EFI variable and the ESP file; a key repeated in the strings is reported, the first stays).
/// </summary>
internal static unsafe class SmbiosConfigSource
{
    /// <summary>Longest OEM string considered; longer ones are reported and skipped.</summary>
    private const int MaxEntryLength = ConfigTextReader.MaxLineLength;

    /// <summary>Applies the OEM strings as one layer of the app's resolution (<see cref="ConfigResolution"/>).</summary>
    public static void ApplyLayer(SystemTable* systemTable, RecoveryConfig config, IConfigReport report)
    {
        if (!SmbiosFirmwareTable.TryGetTable(systemTable, out ReadOnlySpan<byte> table, out int limit, out _))
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

    /// <summary>
    /// Fills a mode's own <see cref="RecoveryConfig"/> with the app's one resolution of all sources (EFI
    /// variable, ESP file, SMBIOS), already printed by <see cref="ConfigResolution.Resolve"/>. Kept under
    /// this name for the modes that build their own config (recovery, netdiag).
    /// </summary>
    /// <returns>The number of entries rejected during the resolution.</returns>
    public static int Apply(SystemTable* systemTable, RecoveryConfig config, ReadOnlySpan<char> tag)
    {
        if (ConfigResolution.IsResolved)
        {
            ConfigResolution.ReplayInto(config);
            return ConfigResolution.RejectedCount;
        }
        // Not resolved (only when a mode runs without Program): the OEM strings alone, printed under the mode's tag.
        var report = new TaggedConfigReport(systemTable, tag);
        ApplyLayer(systemTable, config, report);
        return report.Rejected;
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

    /// <summary>Rejections only, under a mode's tag (the pre-resolution format).</summary>
    private sealed class TaggedConfigReport : IConfigReport
    {
        private readonly SystemTable* _systemTable;
        private readonly char[] _tag = new char[16];
        private readonly int _tagLength;

        public TaggedConfigReport(SystemTable* systemTable, ReadOnlySpan<char> tag)
        {
            _systemTable = systemTable;
            _tagLength = Math.Min(tag.Length, _tag.Length);
            tag.Slice(0, _tagLength).CopyTo(_tag);
        }

        public int Rejected { get; private set; }

        public void Entry(ConfigSource source, int line, ReadOnlySpan<char> entry, ConfigApplyResult result)
        {
            if (result.IsApplied || result.Status == ConfigStatus.NotOurs || result.Status == ConfigStatus.Overridden)
                return;
            Rejected++;
            new ConsoleLine(stackalloc char[400]).Append(new ReadOnlySpan<char>(_tag, 0, _tagLength)).Append(" CONFIG rejected source=smbios entry=\"")
                .Append(entry).Append("\" reason=\"").Append(result.Reason).Append("\"").WriteLine(_systemTable);
        }

        public void LineRejected(ConfigSource source, int line, string reason)
        {
            Rejected++;
            new ConsoleLine(stackalloc char[200]).Append(new ReadOnlySpan<char>(_tag, 0, _tagLength)).Append(" CONFIG rejected source=smbios reason=\"")
                .Append(reason).Append("\"").WriteLine(_systemTable);
        }
    }
}
