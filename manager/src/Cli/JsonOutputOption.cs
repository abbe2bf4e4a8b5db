using System.CommandLine;

namespace UefiRecovery.Manager.Cli;

/// <summary>
/// `--json`, on every command (docs/operating.md §6): the command's results go to stdout as JSON, one document
/// (image commands, simulate, benchmark) or one object per line (serve's log and ready line, instruct's states),
/// and a failure as <c>{"error":"...","exitCode":N}</c> (<see cref="JsonError"/>), so a script never parses text.
/// The human-readable error line still goes to stderr.
/// </summary>
public static class JsonOutputOption
{
    public const string Name = "--json";

    /// <summary>A new option (one per root command: an option belongs to one parser).</summary>
    public static Option<bool> Create() => new(Name)
    {
        Description = "Print results, and any error, as JSON on stdout (serve and instruct: one object per line).",
        Recursive = true,
    };

    /// <summary>Whether the command line asked for JSON (false when the root has no such option, as in some tests).</summary>
    public static bool Requested(ParseResult parsed)
    {
        foreach (Option option in parsed.RootCommandResult.Command.Options)
            if (option.Name == Name && option is Option<bool> typed)
                return parsed.GetValue(typed);
        return false;
    }
}
