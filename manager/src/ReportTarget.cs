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

    public static async Task WriteAsync(string target, string json, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (IsStandardOutput(target))
        {
            await stdout.WriteLineAsync(json.AsMemory(), cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await File.WriteAllTextAsync(target, json, cancellationToken).ConfigureAwait(false);
    }
}
