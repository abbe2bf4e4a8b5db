using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace UefiRecovery.QemuTests.Agent;

/// <summary>Named moments of a multi-boot test on one stopwatch; the figure is the time between consecutive marks.</summary>
internal sealed class PhaseTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Name, double Seconds)> _marks = new();

    public void Mark(string name) => _marks.Add((name, _clock.Elapsed.TotalSeconds));

    public string Describe(string title)
    {
        var text = new StringBuilder(title);
        for (int i = 1; i < _marks.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 1 ? "" : ", ")}{_marks[i - 1].Name} → {_marks[i].Name} {_marks[i].Seconds - _marks[i - 1].Seconds:F1} s");
        }
        if (_marks.Count > 1)
            text.Append(CultureInfo.InvariantCulture, $"; total {_marks[^1].Seconds - _marks[0].Seconds:F1} s");
        return text.Append('\n').ToString();
    }
}
