using System.Globalization;
using System.Text.RegularExpressions;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The app's line for a capsule read whole from a configured source (efi-app RecoveryConsole), with the byte count the
/// test expects; group <c>ms</c> is the app's time for it (its 10 ms tick clock), <c>rate</c> (HTTP only) its KiB/s.
/// </summary>
internal static class SourceReadLines
{
    /// <summary><c>RECOVERY SOURCE http url=URL read bytes=N length=N|chunked ms=N rate=NKiB/s</c>: connect to the body's end.</summary>
    public static Regex Http(string url, int bytes, bool chunked = false) =>
        new("^RECOVERY SOURCE http url=" + Regex.Escape(url) + " read bytes=" + Decimal(bytes) + " length=" + (chunked ? "chunked" : Decimal(bytes))
            + @" ms=(?<ms>\d+) rate=(?<rate>\d+)KiB/s$");

    /// <summary><c>RECOVERY SOURCE file path=PATH read volume=I of N bytes=N ms=N</c>: finding the volume with the file, opening and reading it.</summary>
    public static Regex File(string path, int bytes) =>
        new("^RECOVERY SOURCE file path=" + Regex.Escape(path) + @" read volume=\d+ of \d+ bytes=" + Decimal(bytes) + @" ms=(?<ms>\d+)$");

    private static string Decimal(int value) => value.ToString(CultureInfo.InvariantCulture);
}
