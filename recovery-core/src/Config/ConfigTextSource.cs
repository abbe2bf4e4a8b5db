using System;

namespace UefiRecovery.Core.Config;

/// <summary>
/// Applies a whole text source (the EFI variable's value, the ESP file) to a <see cref="RecoveryConfig"/>
/// line by line through <see cref="RecoveryConfig.TryApplyFrom"/>. The caller bounds the size of
/// <paramref name="text"/> (<see cref="MaxBytes"/>) before reading it.
/// </summary>
public static class ConfigTextSource
{
    /// <summary>Largest variable or file accepted: 4 KiB, room for about 50 settings.</summary>
    public const int MaxBytes = 4096;

    /// <returns>The number of lines rejected (bad lines, bad values, unknown keys, repeats).</returns>
    /// <param name="osWritable">The running OS can write this source (see <see cref="RecoveryConfig.TryApplyFrom"/>).</param>
    public static int Apply(ReadOnlySpan<byte> text, ConfigSource source, bool osWritable, RecoveryConfig config, IConfigReport report)
    {
        Span<char> entry = stackalloc char[ConfigTextReader.MaxLineLength];
        var reader = new ConfigTextReader(text);
        int rejected = 0;
        while (true)
        {
            ConfigLineStatus status = reader.Next(entry, out int length);
            if (status == ConfigLineStatus.End)
                return rejected;
            if (status == ConfigLineStatus.TooLong)
            {
                rejected++;
                report.LineRejected(source, reader.LineNumber, "line longer than 256 characters");
                continue;
            }
            if (status == ConfigLineStatus.BadCharacter)
            {
                rejected++;
                report.LineRejected(source, reader.LineNumber, "line has bytes outside printable ASCII");
                continue;
            }
            ReadOnlySpan<char> line = entry.Slice(0, length);
            ConfigApplyResult result = config.TryApplyFrom(source, line, osWritable);
            if (!result.IsApplied && result.Status != ConfigStatus.Overridden)
                rejected++;
            report.Entry(source, reader.LineNumber, line, result);
        }
    }
}
