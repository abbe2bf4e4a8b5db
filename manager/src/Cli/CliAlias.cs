using System;
using System.CommandLine;
using System.Linq;

namespace UefiRecovery.Manager.Cli;

/// <summary>
/// Old option spellings kept working after the CLI got one name per concept (docs/operating.md §6.1): each old name
/// is a hidden option (not in --help) whose value counts as the new option's. A script written for an older
/// release keeps running; help and docs show only the new name.
/// </summary>
public static class CliAlias
{
    /// <summary>A hidden option named <paramref name="oldName"/> that parses like <paramref name="canonical"/>.</summary>
    public static Option<T> Hidden<T>(Option<T> canonical, string oldName) => new(oldName)
    {
        Hidden = true,
        Description = "Old name of " + canonical.Name + ".",
        CustomParser = canonical.CustomParser,
        AllowMultipleArgumentsPerToken = canonical.AllowMultipleArgumentsPerToken,
    };

    /// <summary>True when the option was typed on the command line (not just its default).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>The value of the new name when given, else of the first old name given, else the new name's default.</summary>
    public static T Value<T>(ParseResult parse, Option<T> canonical, params Option<T>[] oldNames)
    {
        if (Given(parse, canonical)) return parse.GetValue(canonical)!;
        foreach (Option<T> old in oldNames)
            if (Given(parse, old)) return parse.GetValue(old)!;
        return parse.GetValue(canonical)!;
    }

    /// <summary>A list option: the values of the new name and of every old name together.</summary>
    public static string[] Values(ParseResult parse, Option<string[]> canonical, params Option<string[]>[] oldNames) =>
        (parse.GetValue(canonical) ?? Array.Empty<string>())
            .Concat(oldNames.SelectMany(old => parse.GetValue(old) ?? Array.Empty<string>()))
            .ToArray();

    /// <summary>True when the new name or one of its old names was typed.</summary>
    public static bool AnyGiven(ParseResult parse, Option canonical, params Option[] oldNames) =>
        Given(parse, canonical) || oldNames.Any(old => Given(parse, old));
}
