using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace UefiRecovery.Manager.Tests.Fixtures;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's description, not from
/// the manager's writer: HELP/TYPE at most once per family and before its samples, families not interleaved, label
/// escapes only \\ \" \n, no duplicate series, every line ending in \n. Throws FormatException naming the line.
/// </summary>
public static class PrometheusParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string? Help, string? Type, List<Sample> Samples);

    public static Dictionary<string, Family> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the last line does not end in \\n");
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length - 1; n++)
        {
            string line = lines[n];
            string where = "line " + (n + 1) + ": " + line;
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                string[] parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[1] is "HELP" or "TYPE")
                {
                    string name = parts[2];
                    if (!IsName(name)) throw new FormatException("bad metric name in " + where);
                    Family family = Enter(name, families, closed, ref current, where);
                    if (family.Samples.Count > 0) throw new FormatException(parts[1] + " after samples in " + where);
                    if (parts[1] == "HELP")
                    {
                        if (family.Help is not null) throw new FormatException("second HELP in " + where);
                        families[name] = family with { Help = UnescapeHelp(parts.Length == 4 ? parts[3] : "", where) };
                    }
                    else
                    {
                        if (family.Type is not null) throw new FormatException("second TYPE in " + where);
                        string type = parts.Length == 4 ? parts[3] : "";
                        if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped")) throw new FormatException("bad type in " + where);
                        families[name] = family with { Type = type };
                    }
                }
                continue; // other comments are allowed
            }

            int i = 0;
            while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
            string sampleName = line[..i];
            if (!IsName(sampleName)) throw new FormatException("bad metric name in " + where);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (i < line.Length && line[i] == '{')
            {
                i++;
                while (true)
                {
                    if (i < line.Length && line[i] == '}') { i++; break; }
                    int start = i;
                    while (i < line.Length && line[i] != '=') i++;
                    string label = line[start..i];
                    if (!IsLabelName(label)) throw new FormatException("bad label name '" + label + "' in " + where);
                    if (i + 1 >= line.Length || line[i + 1] != '"') throw new FormatException("label value not quoted in " + where);
                    i += 2;
                    var value = new StringBuilder();
                    while (true)
                    {
                        if (i >= line.Length) throw new FormatException("unterminated label value in " + where);
                        char c = line[i++];
                        if (c == '"') break;
                        if (c == '\\')
                        {
                            if (i >= line.Length) throw new FormatException("dangling escape in " + where);
                            char e = line[i++];
                            value.Append(e switch { '\\' => '\\', '"' => '"', 'n' => '\n', _ => throw new FormatException("bad escape \\" + e + " in " + where) });
                        }
                        else value.Append(c);
                    }
                    if (!labels.TryAdd(label, value.ToString())) throw new FormatException("label twice in " + where);
                    if (i < line.Length && line[i] == ',') i++;
                    else if (i >= line.Length || line[i] != '}') throw new FormatException("expected , or } in " + where);
                }
            }
            if (i >= line.Length || line[i] != ' ') throw new FormatException("no value in " + where);
            string[] rest = line[(i + 1)..].Split(' ');
            if (rest.Length is < 1 or > 2) throw new FormatException("bad value/timestamp in " + where);
            double number = rest[0] switch
            {
                "NaN" => double.NaN,
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new FormatException("bad value in " + where),
            };
            Family owner = Enter(sampleName, families, closed, ref current, where);
            if (owner.Type is null) throw new FormatException("sample before its TYPE in " + where);
            if (!series.Add(sampleName + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}"))
                throw new FormatException("duplicate series in " + where);
            owner.Samples.Add(new Sample(sampleName, labels, number));
        }
        return families;
    }

    // A family's lines must be contiguous: entering another closes the one before.
    private static Family Enter(string name, Dictionary<string, Family> families, HashSet<string> closed, ref string? current, string where)
    {
        if (current != name)
        {
            if (closed.Contains(name)) throw new FormatException("family " + name + " interleaved with another in " + where);
            if (current is not null) closed.Add(current);
            current = name;
        }
        if (!families.TryGetValue(name, out Family? family)) families[name] = family = new Family(name, null, null, new List<Sample>());
        return family;
    }

    private static string UnescapeHelp(string text, string where)
    {
        var result = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\') { result.Append(text[i]); continue; }
            if (++i >= text.Length) throw new FormatException("dangling escape in " + where);
            result.Append(text[i] switch { '\\' => '\\', 'n' => '\n', _ => throw new FormatException("bad HELP escape in " + where) });
        }
        return result.ToString();
    }

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The one sample of <paramref name="name"/> with these labels.</summary>
    public static double Value(Dictionary<string, Family> families, string name, params (string Label, string Value)[] labels)
    {
        if (!families.TryGetValue(name, out Family? family)) throw new KeyNotFoundException("no family " + name);
        return family.Samples.Single(s => labels.All(l => s.Labels.TryGetValue(l.Label, out string? v) && v == l.Value) && s.Labels.Count == labels.Length).Value;
    }
}
