using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace UefiRecovery.Manager.Serving.Results;

/// <summary>
/// Appends every RESULT as one JSON object per line and flushes it to disk before returning, so a
/// crash or power loss of the manager never loses an outcome that was already acknowledged.
/// With no path (`serve --results off`) nothing is written: results are only logged and shown.
/// </summary>
public sealed class ResultLog : IDisposable
{
    // Fields a record does not have (null) are left out of its line.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
    private readonly FileStream? _stream;
    private readonly object _gate = new();

    public ResultLog(string? path)
    {
        FilePath = path;
        if (path is null) return;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>The log file, or null when results are not written.</summary>
    public string? FilePath { get; }

    public void Append(ResultRecord record) => AppendLine(JsonSerializer.Serialize(record, Json));

    /// <summary>An instruction that ended (its line has "kind":"instruction"; RESULT lines have no kind).</summary>
    public void Append(Instructions.InstructionRecord record) => AppendLine(JsonSerializer.Serialize(record, Json));

    private void AppendLine(string json)
    {
        if (_stream is null) return;
        byte[] line = Encoding.UTF8.GetBytes(json + "\n");
        lock (_gate)
        {
            _stream.Write(line);
            _stream.Flush(flushToDisk: true);
        }
    }

    public static ResultRecord? ParseLine(string line) => JsonSerializer.Deserialize<ResultRecord>(line, Json);

    public void Dispose()
    {
        lock (_gate) _stream?.Dispose();
    }
}
