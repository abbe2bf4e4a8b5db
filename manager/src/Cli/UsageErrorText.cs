using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using System.Text.RegularExpressions;

namespace UefiRecovery.Manager.Cli;

/// <summary>
/// One line per command-line error that names the option and what it accepts. System.CommandLine's own text names
/// .NET types ("as expected type 'UefiRecovery.Core.Protocol.Wire.DeliveryMode'", "'System.Int32'") and spreads a
/// list of values over several lines; an operator needs "--delivery: 'foo' is not one of broadcast, multicast, unicast".
/// </summary>
public static partial class UsageErrorText
{
    public static string Describe(ParseError error)
    {
        OptionResult? optionResult = error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult;
        if (optionResult is null) return OneLine(error.Message);
        string name = optionResult.IdentifierToken?.Value ?? optionResult.Option.Name;
        Match cannotParse = CannotParse().Match(error.Message);
        Match notAmong = NotAmong().Match(error.Message);
        string? value = cannotParse.Success ? cannotParse.Groups["value"].Value
            : notAmong.Success ? notAmong.Groups["value"].Value
            : null;
        if (value is null) return OneLine(error.Message);
        if (notAmong.Success)
            return name + ": '" + value + "' is not one of " + string.Join(", ", Quoted().Matches(error.Message[notAmong.Length..]).Select(m => m.Groups[1].Value));
        Type type = Nullable.GetUnderlyingType(optionResult.Option.ValueType) ?? optionResult.Option.ValueType;
        if (type.IsArray) type = type.GetElementType()!;
        string accepted =
            type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
            : type == typeof(bool) ? "true or false"
            : type == typeof(int) || type == typeof(long) || type == typeof(uint) || type == typeof(ulong) ? "a whole number"
            : type == typeof(double) ? "a number (e.g. 2.5)"
            : "a valid value";
        return name + ": '" + value + "' is not " + accepted;
    }

    private static string OneLine(string message) => Regex.Replace(message.Trim(), @"\s*[\r\n]+\s*", " ");

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*?)' for option")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Argument '(?<value>.*?)' not recognized\. Must be one of:")]
    private static partial Regex NotAmong();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();
}
