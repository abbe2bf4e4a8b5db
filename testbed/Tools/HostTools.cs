using System;
using System.Collections.Generic;

namespace UefiRecovery.Testbed.Tools;

/// <summary>
/// Resolves a set of <see cref="HostTool"/>s at once, so that everything missing is reported in ONE
/// message that names the Debian packages to install.
/// </summary>
public static class HostTools
{
    /// <summary>Paths of every requested tool, or one exception naming all missing ones and their packages.</summary>
    public static IReadOnlyDictionary<HostTool, string> Require(params HostTool[] tools)
    {
        if (TryResolve(tools, out Dictionary<HostTool, string> found, out string missingMessage))
        {
            return found;
        }
        throw new MissingHostToolException(missingMessage);
    }

    public static string RequirePath(HostTool tool) => Require(tool)[tool];

    public static bool TryResolve(HostTool[] tools, out Dictionary<HostTool, string> found, out string missingMessage)
    {
        found = new Dictionary<HostTool, string>();
        var missing = new List<HostTool>();
        foreach (HostTool tool in tools)
        {
            if (tool.TryLocate(out string path))
            {
                found[tool] = path;
            }
            else if (!missing.Contains(tool))
            {
                missing.Add(tool);
            }
        }
        missingMessage = missing.Count == 0 ? "" : DescribeMissing(missing);
        return missing.Count == 0;
    }

    public static string DescribeMissing(IReadOnlyList<HostTool> missing)
    {
        var names = new List<string>();
        var packages = new List<string>();
        foreach (HostTool tool in missing)
        {
            names.Add($"{tool.Name} (Debian package {tool.DebianPackages})");
            foreach (string package in tool.DebianPackages.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!packages.Contains(package))
                {
                    packages.Add(package);
                }
            }
        }
        return "Missing host tools: " + string.Join(", ", names) + ". Install with: " +
               "apt-get install -y --no-install-recommends " + string.Join(" ", packages) +
               " (or run .ci/run, which installs every package in .ci/packages.txt).";
    }
}
