using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): per metric family one `# HELP` and one `# TYPE`
/// line, then its samples `name{label="value"} number`. Label values escape backslash, double quote and line feed;
/// HELP text escapes backslash and line feed. Families must be written one after the other, never interleaved.
/// </summary>
public sealed class PrometheusText
{
    /// <summary>The Content-Type of this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);

    /// <summary>Starts a family; <paramref name="type"/> is counter or gauge.</summary>
    public PrometheusText Family(string name, string type, string help)
    {
        if (!IsValidName(name)) throw new ArgumentException("not a metric name: " + name, nameof(name));
        if (type is not ("counter" or "gauge")) throw new ArgumentException("not a metric type: " + type, nameof(type));
        if (!_families.Add(name)) throw new InvalidOperationException("metric family written twice: " + name);
        _text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    public PrometheusText Sample(string name, double value) => Sample(name, value, Array.Empty<(string, string)>());

    public PrometheusText Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (!IsValidLabelName(labels[i].Name)) throw new ArgumentException("not a label name: " + labels[i].Name, nameof(labels));
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(FormatValue(value)).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    public static string EscapeLabelValue(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Go's float formatting as Prometheus reads it: integers without exponent, NaN, +Inf, -Inf.</summary>
    public static string FormatValue(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ((long)value).ToString(CultureInfo.InvariantCulture)
        : value.ToString("R", CultureInfo.InvariantCulture);

    // [a-zA-Z_:][a-zA-Z0-9_:]*
    public static bool IsValidName(string name)
    {
        if (name.Length == 0) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetter(c) || c is '_' or ':' || (i > 0 && char.IsAsciiDigit(c));
            if (!ok) return false;
        }
        return true;
    }

    // [a-zA-Z_][a-zA-Z0-9_]*, and names starting with __ are reserved.
    public static bool IsValidLabelName(string name)
    {
        if (name.Length == 0 || name.StartsWith("__", StringComparison.Ordinal)) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c));
            if (!ok) return false;
        }
        return true;
    }
}
