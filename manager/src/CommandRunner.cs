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
        if (!JsonOutputOption.Requested(parsed)) return Invoke(parsed, configuration, json: false);

        // --json: whatever a command printed as its error line on stderr also becomes the JSON error object on
        // stdout, unless the command printed its own JSON there (a verdict, a report). Console.Out/Error are
        // recorded too: serve and simulate write to them directly.
        TextWriter consoleOut = Console.Out, consoleError = Console.Error;
        var output = new OutputRecorder(configuration.Output);
        var errors = new OutputRecorder(configuration.Error);
        bool consoleIsConfiguration = ReferenceEquals(configuration.Output, consoleOut);
        configuration.Output = output;
        configuration.Error = errors;
        if (consoleIsConfiguration)
        {
            Console.SetOut(output);
            Console.SetError(errors);
        }
        try
        {
            int exitCode = Invoke(parsed, configuration, json: true);
            if (exitCode != ExitCodes.Ok && !output.AnythingWritten)
                output.WriteLine(JsonError.ToJson(errors.LastLine.Length > 0 ? errors.LastLine : CommandName(parsed) + ": failed", exitCode));
            output.Flush();
            return exitCode;
        }
        finally
        {
            if (consoleIsConfiguration)
            {
                Console.SetOut(consoleOut);
                Console.SetError(consoleError);
            }
        }
    }

    private static int Invoke(ParseResult parsed, InvocationConfiguration configuration, bool json)
    {
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
            int exitCode = JsonError.Report(configuration.Output, configuration.Error, json, message, ExitCodes.InternalError);
            if (LogLevelOption.WantsStackTraces(LogLevelOption.Requested(parsed))) configuration.Error.WriteLine(e.ToString()); // asked for with --log-level debug
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
