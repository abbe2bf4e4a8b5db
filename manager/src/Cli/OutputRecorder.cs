using System.IO;
using System.Text;

namespace UefiRecovery.Manager.Cli;

/// <summary>
/// A pass-through writer that remembers whether anything was written and the last line, so the command runner can
/// turn a failure that printed only a stderr line into the JSON error object `--json` promises.
/// </summary>
public sealed class OutputRecorder : TextWriter
{
    private readonly TextWriter _inner;
    private readonly StringBuilder _line = new();
    private string _lastLine = "";

    public OutputRecorder(TextWriter inner) => _inner = inner;

    public override Encoding Encoding => _inner.Encoding;

    public bool AnythingWritten { get; private set; }

    /// <summary>The last non-empty line written (the one still open when it was not ended).</summary>
    public string LastLine
    {
        get
        {
            lock (_line) return _line.Length > 0 ? _line.ToString() : _lastLine;
        }
    }

    public override void Write(char value)
    {
        lock (_line) Record(value);
        _inner.Write(value);
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        lock (_line)
        {
            foreach (char c in value) Record(c);
        }
        _inner.Write(value);
    }

    private void Record(char c)
    {
        AnythingWritten = true;
        if (c != '\n')
        {
            _line.Append(c);
            return;
        }
        if (_line.Length > 0) _lastLine = _line.ToString().TrimEnd('\r');
        _line.Clear();
    }

    public override void Flush() => _inner.Flush();
}
