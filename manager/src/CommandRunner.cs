using System;
using System.CommandLine;
using System.IO;
using UefiRecovery.Manager.Cli;

namespace UefiRecovery.Manager;

/// <summary>
/// Runs a parsed command line with the exit-code contract of <see cref="ExitCodes"/>: a command-line error
/// is <see cref="ExitCodes.Usage"/> (System.CommandLine alone would say 1, which `image verify`
/// uses for "rejected"), and an exception no command handled is one line on stderr and
/// <see cref="ExitCodes.InternalError"/>, never 1 and no stack trace unless `--log-level debug` or `trace` asks for it.
/// </summary>
public static class CommandRunner
{
    public static int Run(RootCommand root, string[] args, InvocationConfiguration configuration)
    {
        TextWriter stderr = configuration.Error;
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) stderr.WriteLine(root.Name + ": " + UsageErrorText.Describe(error));
            stderr.WriteLine("(--help lists the options)");
            if (JsonError.Requested(args)) configuration.Output.WriteLine(JsonError.ToJson(root.Name + ": " + UsageErrorText.Describe(parsed.Errors[0]), ExitCodes.Usage));
            return ExitCodes.Usage;
        }
        configuration.EnableDefaultExceptionHandler = false;
        try
        {
            return parsed.Invoke(configuration);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted; // Ctrl+C or SIGTERM ended a command that was still working
        }
        catch (Exception e)
        {
            // Not an input condition (those are handled where they occur): a bug or an exhausted machine.
            string message = $"{CommandName(parsed)}: internal error: {e.GetType().Name}: {FirstLine(e.Message)}";
            int exitCode = JsonError.Report(configuration.Output, stderr, JsonError.Requested(args), message, ExitCodes.InternalError);
            if (LogLevelOption.WantsStackTraces(LogLevelOption.Requested(parsed))) stderr.WriteLine(e.ToString()); // asked for with --log-level debug
            return exitCode;
        }
    }

    // "image verify", as the commands name themselves in their own messages (the root only when nothing else ran).
    private static string CommandName(ParseResult parsed)
    {
        string name = "";
        for (var result = parsed.CommandResult; result?.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
            name = name.Length == 0 ? result.Command.Name : result.Command.Name + " " + name;
        return name.Length > 0 ? name : parsed.RootCommandResult.Command.Name;
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
