using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace UefiRecovery.Manager.Cli;

/// <summary>
/// Options that take a version, an id or a count: decimal or 0x hex everywhere (one rule for every command), with an
/// error that names the option and the accepted form instead of a .NET type name.
/// </summary>
public static class CliNumber
{
    /// <summary>Decimal or 0x hex, '_' allowed as a digit separator (0x0001_0002).</summary>
    public static bool TryParse(string? text, ulong max, out ulong value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        string digits = text.Trim().Replace("_", "", StringComparison.Ordinal);
        bool parsed = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return parsed && value <= max;
    }

    /// <summary>A 32-bit option (versions, sizes): decimal or 0x hex, 0..<paramref name="max"/>.</summary>
    public static Option<uint> UInt32(string name, string description, uint defaultValue, string helpName, uint max = uint.MaxValue)
    {
        var option = new Option<uint>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => (uint)ParseOrError(result, name, max);
        return option;
    }

    /// <summary>A 64-bit option (monotonic count, hardware instance): decimal or 0x hex.</summary>
    public static Option<ulong> UInt64(string name, string description, ulong defaultValue, string helpName)
    {
        var option = new Option<ulong>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => ParseOrError(result, name, ulong.MaxValue);
        return option;
    }

    /// <summary>
    /// A 32-bit option without a default: `image pack --version`/`--lsv` (required), `image verify --lsv` (required too,
    /// but checked by the command because its old name may stand in for it).
    /// </summary>
    public static Option<uint> UInt32WithoutDefault(string name, string description, string helpName, bool required)
    {
        var option = new Option<uint>(name) { Description = description, HelpName = helpName, Required = required };
        option.CustomParser = result => (uint)ParseOrError(result, name, uint.MaxValue);
        return option;
    }

    /// <summary>An optional 64-bit option (verify --region-size): null when not given.</summary>
    public static Option<ulong?> OptionalUInt64(string name, string description, string helpName)
    {
        var option = new Option<ulong?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = result => ParseOrError(result, name, ulong.MaxValue);
        return option;
    }

    private static ulong ParseOrError(ArgumentResult result, string name, ulong max)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (TryParse(text, max, out ulong value)) return value;
        // The name as typed: an old spelling (a hidden alias) is named as the operator wrote it.
        string typed = (result.Parent as OptionResult)?.IdentifierToken?.Value ?? name;
        result.AddError(typed + ": '" + text + "' is not a number 0.." + max.ToString(CultureInfo.InvariantCulture)
            + " (decimal, or hex with 0x, e.g. 0x" + Math.Min(max, 0x00010002).ToString("X8", CultureInfo.InvariantCulture) + ")");
        return 0;
    }
}
