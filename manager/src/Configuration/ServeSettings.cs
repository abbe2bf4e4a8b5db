using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace UefiRecovery.Manager.Configuration;

/// <summary>
/// Every `serve` option can also come from appsettings.json (section "Serve") or the environment
/// (UEFIRECOVERY_Serve__NAME), named after the option in PascalCase: --status-http is Serve:StatusHttp and
/// UEFIRECOVERY_Serve__StatusHttp; a list option takes an array (UEFIRECOVERY_Serve__Trusted__0, __1, ...).
/// The command line wins over the environment, which wins over the file. Settings become the command-line
/// options they name before parsing, so they are checked exactly like typed ones (docs/operating.md §1.2).
/// </summary>
public static class ServeSettings
{
    public const string EnvironmentPrefix = "UEFIRECOVERY_";
    public const string Section = "Serve";
    public const string FileName = "appsettings.json";
    public const string ConfigOptionName = "--config";

    /// <summary>
    /// <paramref name="args"/> with the settings of every serve option the command line leaves out appended;
    /// false with a one-line reason when the settings file cannot be read.
    /// </summary>
    public static bool TryExpand(RootCommand root, string[] args, Func<string, string?> environment, string workingDirectory, out string[] expanded, out string error)
    {
        expanded = args;
        error = "";
        ParseResult parsed = root.Parse(args);
        if (parsed.CommandResult.Command.Name != "serve" || parsed.CommandResult.Command.Parents.FirstOrDefault() != root) return true;
        Command serve = parsed.CommandResult.Command;

        string? file = FindValue(args, ConfigOptionName);
        if (file is null)
        {
            // systemd's ConfigurationDirectory= (/etc/uefirecovery), else the working directory; both optional.
            foreach (string? folder in new[] { FirstPath(environment("CONFIGURATION_DIRECTORY")), workingDirectory })
            {
                if (folder is null || !File.Exists(Path.Combine(folder, FileName))) continue;
                file = Path.Combine(folder, FileName);
                break;
            }
        }
        else if (!File.Exists(file))
        {
            error = ConfigOptionName + " " + file + ": no such file (give the path of an appsettings.json with a \"Serve\" section)";
            return false;
        }

        IConfiguration settings;
        try
        {
            var builder = new ConfigurationBuilder();
            if (file is not null) builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
            builder.Add(new Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix = EnvironmentPrefix });
            settings = builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            error = "cannot read the settings file " + file + ": " + FirstLine(e.InnerException?.Message ?? e.Message);
            return false;
        }

        var added = new List<string>(args);
        foreach (Option option in Bindable(root, serve))
        {
            if (IsGiven(args, option)) continue;
            IConfigurationSection section = settings.GetSection(Section + ":" + SettingName(option.Name));
            var values = new List<string>();
            if (section.Value is { } single) values.Add(single);
            else values.AddRange(section.GetChildren().Where(c => c.Value is not null).OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue).Select(c => c.Value!));
            if (values.Count == 0) continue;
            if (values.Count > 1 && !option.AllowMultipleArgumentsPerToken)
            {
                error = "the setting " + Section + ":" + SettingName(option.Name) + " (" + option.Name + ") takes one value, not a list";
                return false;
            }
            added.Add(option.Name);
            added.AddRange(values);
        }
        expanded = added.ToArray();
        return true;
    }

    /// <summary>--status-http → StatusHttp: the name of an option's setting (Serve:StatusHttp, UEFIRECOVERY_Serve__StatusHttp).</summary>
    public static string SettingName(string optionName)
    {
        var name = new StringBuilder();
        foreach (string part in optionName.TrimStart('-').Split('-', StringSplitOptions.RemoveEmptyEntries))
            name.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        return name.ToString();
    }

    /// <summary>The options a setting may supply: serve's own (not hidden, not --config, not help) and the global --log-level.</summary>
    public static IEnumerable<Option> Bindable(RootCommand root, Command serve)
    {
        foreach (Option option in serve.Options)
            if (!option.Hidden && option.Name != ConfigOptionName && option is not System.CommandLine.Help.HelpOption && option is not VersionOption) yield return option;
        foreach (Option option in root.Options)
            if (option.Recursive && option is not System.CommandLine.Help.HelpOption && option is not VersionOption) yield return option;
    }

    private static bool IsGiven(string[] args, Option option)
    {
        foreach (string arg in args)
        {
            if (arg == "--") break;
            foreach (string name in option.Aliases.Append(option.Name))
                if (arg == name || arg.StartsWith(name + "=", StringComparison.Ordinal) || arg.StartsWith(name + ":", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static string? FindValue(string[] args, string name)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--") break;
            if (args[i] == name && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
        }
        return null;
    }

    private static string? FirstPath(string? list) => list is { Length: > 0 } ? list.Split(':', StringSplitOptions.RemoveEmptyEntries)[0] : null;

    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
