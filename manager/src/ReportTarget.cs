using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Manager;

/// <summary>
/// Where a `--report` goes: a file, or standard output for `-` (the usual Unix convention; before, `-` made a
/// file named "-"). Commands whose progress also goes to stdout send that progress to stderr when the report
/// takes stdout, so stdout stays one JSON document a script can parse.
/// </summary>
public static class ReportTarget
{
    public const string StandardOutput = "-";

    public static bool IsStandardOutput(string? target) => target == StandardOutput;

    public static async Task WriteAsync(string target, string json, TextWriter stdout, CancellationToken cancellationToken) =>
        await WriteAsync(target, alsoToStandardOutput: false, json, stdout, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes the report to <paramref name="target"/>, and to stdout as well when --json asked for it there.</summary>
    public static async Task WriteAsync(string? target, bool alsoToStandardOutput, string json, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (IsStandardOutput(target) || alsoToStandardOutput)
        {
            await stdout.WriteLineAsync(json.AsMemory(), cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        if (target is not null && !IsStandardOutput(target))
            await File.WriteAllTextAsync(target, json, cancellationToken).ConfigureAwait(false);
    }
}
