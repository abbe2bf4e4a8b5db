using System;
using System.Collections.Generic;
using UefiRecovery.Core.Config;

namespace UefiRecovery.Core.Tests.Config;

/// <summary>Records every report as one line of text, in the order received.</summary>
internal sealed class RecordingConfigReport : IConfigReport
{
    public List<string> Lines { get; } = new();

    public void Entry(ConfigSource source, int line, ReadOnlySpan<char> entry, ConfigApplyResult result) =>
        Lines.Add($"{result.Status} {ConfigSourceNames.Name(source)}:{line} {entry.ToString()} {result.Reason}".TrimEnd());

    public void LineRejected(ConfigSource source, int line, string reason) =>
        Lines.Add($"LineRejected {ConfigSourceNames.Name(source)}:{line} {reason}");
}
