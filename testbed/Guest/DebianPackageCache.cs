using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// Debian packages fetched with <c>apt-get download</c> (nothing is installed on the host) into one folder and
/// kept there: a package whose .deb is already in the folder is not fetched again. <c>dpkg-deb -x</c> unpacks one.
/// </summary>
public sealed class DebianPackageCache
{
    public string Directory { get; }

    public DebianPackageCache(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The .deb of <paramref name="package"/> (the newest the host's apt lists name, fetched once).</summary>
    public string Require(string package)
    {
        if (package.Length == 0 || package.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '+' or '-')))
        {
            throw new ArgumentException("not a Debian package name: \"" + package + "\"", nameof(package));
        }
        // Two guest builders (the agent's, the ipmitool one) share the folder and may run at once in a test process.
        lock (DownloadLock)
        {
            System.IO.Directory.CreateDirectory(Directory);
            string? cached = Find(package);
            if (cached != null)
            {
                return cached;
            }
            HostCommandResult download = HostCommand.Run("sh", new[] { "-c", "cd \"$1\" && apt-get download \"$2\"", "sh", Directory, package }, TimeSpan.FromMinutes(5));
            return Find(package) ?? throw new InvalidOperationException("apt-get download " + package + " gave no .deb (are the apt lists current? apt-get update): " + download);
        }
    }

    private static readonly object DownloadLock = new();

    /// <summary>The first package named in the Depends field of <paramref name="debPath"/> (for a meta package such as linux-image-amd64).</summary>
    public static string FirstDependency(string debPath)
    {
        HostCommandResult field = HostCommand.RunChecked("dpkg-deb", "-f", debPath, "Depends");
        string first = field.StandardOutput.Split(',')[0].Trim();
        int space = first.IndexOfAny(new[] { ' ', '(' , '|' });
        string name = space < 0 ? first : first.Substring(0, space);
        if (name.Length == 0)
        {
            throw new InvalidOperationException(debPath + " depends on nothing");
        }
        return name;
    }

    /// <summary>Unpacks <paramref name="debPath"/>'s files into <paramref name="destination"/>.</summary>
    public static void Extract(string debPath, string destination)
    {
        System.IO.Directory.CreateDirectory(destination);
        HostCommand.RunChecked("dpkg-deb", "-x", debPath, destination);
    }

    private string? Find(string package)
    {
        // apt-get download names the file PACKAGE_VERSION_ARCH.deb (the version's ':' as %3a).
        List<string> matches = System.IO.Directory.GetFiles(Directory, package + "_*.deb").OrderBy(p => p, StringComparer.Ordinal).ToList();
        return matches.Count == 0 ? null : matches[^1];
    }
}
