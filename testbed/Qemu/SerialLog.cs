using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Qemu;

/// <summary>
/// The guest's serial console, split into lines as it arrives, written to a log file line by line,
/// and searchable by awaitable waiters ("wait until a line matches X").
/// </summary>
public sealed class SerialLog : IDisposable
{
    // OVMF's console driver speaks VT100/ANSI: CSI sequences (colours, cursor moves, "ESC[=3h"),
    // and charset selects. Tests match on the text, so these are removed from each line.
    private static readonly Regex TerminalEscape = new(@"\x1B(\[[0-9;=?]*[A-Za-z]|[()][0-9A-Za-z]|[A-Za-z])", RegexOptions.Compiled);

    private readonly object _gate = new();
    private readonly List<SerialLine> _lines = new();
    private readonly List<Waiter> _waiters = new();
    private readonly StringBuilder _partial = new();
    private readonly Func<TimeSpan> _clock;
    private readonly StreamWriter _file;
    private bool _completed;

    public string LogPath { get; }

    /// <summary>Raised for every completed line, on the reader thread. Used to stream a console live.</summary>
    public event Action<SerialLine>? LineReceived;

    public SerialLog(string logPath, Func<TimeSpan> clock)
    {
        LogPath = logPath;
        _clock = clock;
        _file = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false))
        {
            AutoFlush = true,
        };
    }

    public IReadOnlyList<SerialLine> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>All lines so far (plus any unterminated last line), newline separated.</summary>
    public string Text
    {
        get
        {
            var text = new StringBuilder();
            lock (_gate)
            {
                foreach (SerialLine line in _lines)
                {
                    text.Append(line.Text).Append('\n');
                }
                if (_partial.Length > 0)
                {
                    text.Append(Clean(_partial.ToString()));
                }
            }
            return text.ToString();
        }
    }

    /// <summary>All lines with their arrival times, "[  12.34s] text" (what failure messages attach).</summary>
    public string Transcript
    {
        get
        {
            var text = new StringBuilder();
            lock (_gate)
            {
                foreach (SerialLine line in _lines)
                {
                    text.Append(line.ToString()).Append('\n');
                }
            }
            return text.ToString();
        }
    }

    /// <summary>
    /// The first line (from the start of the log, including lines already received) matching
    /// <paramref name="pattern"/>; null if the console closes (QEMU ended) or <paramref name="timeout"/> passes first.
    /// </summary>
    public Task<SerialLine?> WaitForLineAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var waiter = new Waiter(pattern);
        lock (_gate)
        {
            foreach (SerialLine line in _lines)
            {
                if (pattern.IsMatch(line.Text))
                {
                    return Task.FromResult<SerialLine?>(line);
                }
            }
            if (_completed)
            {
                return Task.FromResult<SerialLine?>(null);
            }
            _waiters.Add(waiter);
        }
        return waiter.WaitAsync(timeout, cancellationToken, () => { lock (_gate) { _waiters.Remove(waiter); } });
    }

    public Task<SerialLine?> WaitForLineAsync(string regexPattern, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForLineAsync(new Regex(regexPattern), timeout, cancellationToken);

    /// <summary>The first line already received that matches, or null.</summary>
    public SerialLine? Find(Regex pattern)
    {
        lock (_gate)
        {
            foreach (SerialLine line in _lines)
            {
                if (pattern.IsMatch(line.Text))
                {
                    return line;
                }
            }
        }
        return null;
    }

    /// <summary>The 0-based position in <see cref="Lines"/> of the first line matching <paramref name="regexPattern"/>, or -1 (for order checks).</summary>
    public int IndexOf(string regexPattern)
    {
        var pattern = new Regex(regexPattern);
        lock (_gate)
        {
            for (int i = 0; i < _lines.Count; i++)
            {
                if (pattern.IsMatch(_lines[i].Text))
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /// <summary>Feeds console output as it is read (any chunking).</summary>
    public void Append(ReadOnlySpan<char> chunk)
    {
        var completed = new List<string>();
        lock (_gate)
        {
            foreach (char c in chunk)
            {
                if (c == '\n')
                {
                    completed.Add(_partial.ToString());
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(c);
                }
            }
        }
        foreach (string raw in completed)
        {
            CompleteLine(raw);
        }
    }

    /// <summary>Writes a host-side note (e.g. QEMU's stderr) into the log file without making it a console line.</summary>
    internal void Note(string text)
    {
        lock (_gate)
        {
            _file.WriteLine("## " + text);
        }
    }

    /// <summary>The console closed: flush a trailing partial line and release every waiter with null.</summary>
    public void Complete()
    {
        string rest;
        lock (_gate)
        {
            rest = _partial.ToString();
            _partial.Clear();
        }
        if (rest.Length > 0)
        {
            CompleteLine(rest);
        }
        List<Waiter> released;
        lock (_gate)
        {
            _completed = true;
            released = new List<Waiter>(_waiters);
            _waiters.Clear();
        }
        foreach (Waiter waiter in released)
        {
            waiter.Release(null);
        }
    }

    private void CompleteLine(string raw)
    {
        SerialLine line;
        var matched = new List<Waiter>();
        lock (_gate)
        {
            line = new SerialLine(_lines.Count + 1, Clean(raw), _clock());
            _lines.Add(line);
            // The file carries arrival times (diagnosing slow boots); Text/Lines do not.
            _file.WriteLine(line.ToString());
            foreach (Waiter waiter in _waiters)
            {
                if (waiter.Pattern.IsMatch(line.Text))
                {
                    matched.Add(waiter);
                }
            }
            foreach (Waiter waiter in matched)
            {
                _waiters.Remove(waiter);
            }
        }
        foreach (Waiter waiter in matched)
        {
            waiter.Release(line);
        }
        LineReceived?.Invoke(line);
    }

    public static string Clean(string raw)
    {
        string text = TerminalEscape.Replace(raw, "");
        var kept = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '\t' || !char.IsControl(c))
            {
                kept.Append(c);
            }
        }
        // Trailing blanks are screen painting (OVMF clears rows with spaces), never content.
        return kept.ToString().TrimEnd();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private sealed class Waiter
    {
        private readonly TaskCompletionSource<SerialLine?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Regex Pattern { get; }

        public Waiter(Regex pattern) => Pattern = pattern;

        public void Release(SerialLine? line) => _completion.TrySetResult(line);

        public async Task<SerialLine?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken, Action unregister)
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            using (timeoutSource.Token.Register(() => _completion.TrySetResult(null)))
            {
                SerialLine? line = await _completion.Task.ConfigureAwait(false);
                unregister();
                if (line == null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                return line;
            }
        }
    }
}
