using System.Text.Json;

namespace UefiRecovery.Manager.Cli;

/// <summary>The JSON form of the command line's results: camelCase names, one object per line (as /status and results.jsonl name fields).</summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
