using System;
using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace UefiRecovery.Manager.Cli;

/// <summary>
/// `--log-level trace|debug|information|warning|error|critical|none`, on every command (docs/operating.md §1.2).
/// `serve` logs at this level (default information; warning while the live view owns the terminal); at debug or
/// trace an error also prints its stack trace, which operators otherwise never see.
/// </summary>
public static class LogLevelOption
{
    public const string Name = "--log-level";

    private static readonly string[] Names = { "trace", "debug", "information", "warning", "error", "critical", "none" };

    /// <summary>A new option (one per root command: an option belongs to one parser).</summary>
    public static Option<LogLevel?> Create() => new(Name)
    {
        Description = "How much to log: trace, debug, information, warning, error, critical or none (default: information; serve's live view: warning). debug and trace also print stack traces of errors.",
        HelpName = "LEVEL",
        Recursive = true,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (TryParse(text, out LogLevel level)) return level;
            result.AddError(Name + ": '" + text + "' is not one of " + string.Join(", ", Names));
            return null;
        },
    };

    public static bool TryParse(string text, out LogLevel level)
    {
        level = LogLevel.Information;
        switch (text.Trim().ToLowerInvariant())
        {
            case "trace": level = LogLevel.Trace; return true;
            case "debug": level = LogLevel.Debug; return true;
            case "information" or "info": level = LogLevel.Information; return true;
            case "warning" or "warn": level = LogLevel.Warning; return true;
            case "error": level = LogLevel.Error; return true;
            case "critical": level = LogLevel.Critical; return true;
            case "none": level = LogLevel.None; return true;
            default: return false;
        }
    }

    /// <summary>The level the command line asked for, or null when it did not (or the root has no such option).</summary>
    public static LogLevel? Requested(ParseResult parsed)
    {
        foreach (Option option in parsed.RootCommandResult.Command.Options)
            if (option.Name == Name && option is Option<LogLevel?> typed && parsed.GetResult(typed) is { Implicit: false })
                return parsed.GetValue(typed);
        return null;
    }

    /// <summary>Whether errors should carry their stack trace (debug or trace asked for).</summary>
    public static bool WantsStackTraces(LogLevel? level) => level is LogLevel.Trace or LogLevel.Debug;
}
