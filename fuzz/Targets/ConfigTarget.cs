using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using UefiRecovery.Core.Common;
using UefiRecovery.Core.Config;
using UefiRecovery.Core.Firmware;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// Configuration text as the app reads it: the same bytes as the EFI variable (trusted for protected keys),
/// as the ESP file (OS-writable), and split at NUL bytes as SMBIOS OEM strings, through
/// <see cref="ConfigTextSource"/> / <see cref="RecoveryConfig.TryApplyFrom"/>; then the DHCP manager,
/// the combination check and the target map. Every line's value also goes through each value parser
/// directly (IPv4, prefix, endpoint, port, seconds, numbers, flags, GUID, hex, target map entry).
/// </summary>
public sealed class ConfigTarget : FuzzTarget
{
    public override string Name => "config";

    public override string Description =>
        "configuration text: ConfigTextReader/ConfigTextSource as variable, ESP file and SMBIOS strings, RecoveryConfig, every value parser";

    private readonly char[] _entry = new char[ConfigTextReader.MaxLineLength];

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length > ConfigTextSource.MaxBytes) input = input.Slice(0, ConfigTextSource.MaxBytes); // the app refuses larger sources whole
        var config = new RecoveryConfig();
        var report = new CountingReport();
        ConfigTextSource.Apply(input, ConfigSource.EfiVariable, false, config, report);
        ConfigTextSource.Apply(input, ConfigSource.EspFile, true, config, report);
        ApplyAsSmbiosStrings(input, config);
        config.TryApplyDhcpManager(0x0A00_0001, 0);
        config.TryValidate(out _);
        config.TrySelectRegion(RegionTarget.OvmfNvStore4M, out _, out _, out _);
        InvariantViolation.Check(config.ManagerCount <= RecoveryConfig.MaxManagers, "more managers than allowed");
        InvariantViolation.Check(config.TargetMap.Count <= RegionTargetMap.Capacity, "more targets than allowed");
        InvariantViolation.Check(config.Target.TrustedKeyCount <= RecoveryTargetConfig.MaxTrustedKeys, "more trusted keys than allowed");

        var reader = new ConfigTextReader(input);
        while (true)
        {
            ConfigLineStatus status = reader.Next(_entry, out int length);
            if (status == ConfigLineStatus.End) break;
            if (status == ConfigLineStatus.Entry) RunValueParsers(_entry.AsSpan(0, length));
        }
    }

    private void ApplyAsSmbiosStrings(ReadOnlySpan<byte> input, RecoveryConfig config)
    {
        int start = 0;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i < input.Length && input[i] != 0) continue;
            ReadOnlySpan<byte> text = input.Slice(start, i - start);
            start = i + 1;
            if (text.IsEmpty || text.Length > _entry.Length || !IsPrintableAscii(text)) continue;
            for (int j = 0; j < text.Length; j++) _entry[j] = (char)text[j];
            config.TryApplyFrom(ConfigSource.Smbios, _entry.AsSpan(0, text.Length));
        }
    }

    private static void RunValueParsers(ReadOnlySpan<char> line)
    {
        int equals = line.IndexOf('=');
        ReadOnlySpan<char> value = equals < 0 ? line : line.Slice(equals + 1);
        ConfigValueParser.TryParseIpv4(value, out _, out _);
        ConfigValueParser.TryParseUnicastIpv4(value, out _, out _);
        ConfigValueParser.TryParseHostPrefix(value, out _, out int prefix, out _);
        InvariantViolation.Check(prefix >= 0 && prefix <= 32, "prefix length outside 0..32");
        ConfigValueParser.TryParseEndpoint(value, 40123, out _, out _, out _);
        ConfigValueParser.TryParsePort(value, out _, out _);
        ConfigValueParser.TryParseSeconds(value, RecoveryConfig.MaxSeconds, out uint seconds, out _);
        InvariantViolation.Check(seconds <= RecoveryConfig.MaxSeconds, "seconds above the maximum");
        ConfigValueParser.TryParseNumber64(value, out _);
        ConfigValueParser.TryParseFlag(value, out _, out _);
        EfiGuid.TryParse(value, out _);
        Span<byte> hash = stackalloc byte[RecoveryTargetConfig.KeyHashLength];
        RecoveryTargetConfig.TryParseHex(value, hash);
        RecoveryTargetConfig.TryParseNumber(value, out _);
        new RegionTargetMap().TryAdd(value, out _);
    }

    private static bool IsPrintableAscii(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b < 0x20 || b > 0x7E) return false;
        }
        return true;
    }

    /// <summary>Touches every reported entry, as the app's console report does.</summary>
    private sealed class CountingReport : IConfigReport
    {
        public int Characters;

        public void Entry(ConfigSource source, int line, ReadOnlySpan<char> entry, ConfigApplyResult result)
        {
            Characters += entry.Length + ConfigSourceNames.Name(source).Length + line;
        }

        public void LineRejected(ConfigSource source, int line, string reason)
        {
            Characters += reason.Length + line;
        }
    }
}
