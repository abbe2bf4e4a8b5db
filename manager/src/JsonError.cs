using System.IO;
using System.Text.Json;

namespace UefiRecovery.Manager;

/// <summary>
/// A command's error as one line on stderr, and, when the command was asked for `--json`, also as one JSON
/// object on stdout (`{"error":"...","exitCode":2}`), so a script that parses stdout gets an error it can read
/// instead of nothing.
/// </summary>
public static class JsonError
{
    public static int Report(TextWriter stdout, TextWriter stderr, bool json, string message, int exitCode)
    {
        stderr.WriteLine(message);
        if (json) stdout.WriteLine(ToJson(message, exitCode));
        return exitCode;
    }

    // Quotes and apostrophes stay as they are (the default escapes them for HTML, which this is not).
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(string message, int exitCode) =>
        "{\"error\":" + JsonSerializer.Serialize(message, Readable) + ",\"exitCode\":" + exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";

    /// <summary>Whether a command line asks for JSON output, for errors found before any command runs (parse errors).</summary>
    public static bool Requested(string[] args) => System.Array.IndexOf(args, "--json") >= 0;
}
