using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace UefiRecovery.Testbed;

/// <summary>Named moments of a multi-boot run on one stopwatch; a phase is the time between two consecutive marks.</summary>
public sealed class PhaseTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Name, double Seconds)> _marks = new();

    public void Mark(string name) => _marks.Add((name, _clock.Elapsed.TotalSeconds));

    /// <summary>Each phase: the mark it starts at, the one it ends at, and the seconds between them.</summary>
    public IReadOnlyList<(string From, string To, double Seconds)> Phases
    {
        get
        {
            var phases = new List<(string, string, double)>();
            for (int i = 1; i < _marks.Count; i++)
            {
                phases.Add((_marks[i - 1].Name, _marks[i].Name, _marks[i].Seconds - _marks[i - 1].Seconds));
            }
            return phases;
        }
    }

    /// <summary>From the first mark to the last (0 with fewer than two marks).</summary>
    public double TotalSeconds => _marks.Count < 2 ? 0 : _marks[^1].Seconds - _marks[0].Seconds;

    public string Describe(string title)
    {
        var text = new StringBuilder(title);
        IReadOnlyList<(string From, string To, double Seconds)> phases = Phases;
        for (int i = 0; i < phases.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ", ")}{phases[i].From} → {phases[i].To} {phases[i].Seconds:F1} s");
        }
        if (phases.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $"; total {TotalSeconds:F1} s");
        return text.Append('\n').ToString();
    }
}
