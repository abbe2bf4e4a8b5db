using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// Which Host headers the status endpoint answers. It listens on loopback only, but a browser on the
/// manager host can still be led there by DNS rebinding: a page from attacker.example re-resolves its
/// own name to 127.0.0.1, and the browser then treats /status as that page's own origin. Such a request
/// carries the attacker's name in Host, so only names that mean "this host" are answered: localhost,
/// loopback address literals (127.0.0.0/8, [::1]), and names the operator lists (--status-host).
/// </summary>
public sealed class StatusHostCheck
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase) { "localhost" };

    public StatusHostCheck(IEnumerable<string> extraNames)
    {
        foreach (string name in extraNames) _names.Add(name.Trim().TrimEnd('.'));
    }

    /// <summary>True when <paramref name="hostHeader"/> (name or address, optional port) names this host.</summary>
    public bool Allows(string? hostHeader)
    {
        if (!TrySplitHost(hostHeader, out string host)) return false;
        if (host.StartsWith('['))
            return IPAddress.TryParse(host[1..^1], out IPAddress? v6) && v6.Equals(IPAddress.IPv6Loopback);
        if (IPAddress.TryParse(host, out IPAddress? v4))
            return v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && IPAddress.IsLoopback(v4) && IsDottedQuad(host);
        return _names.Contains(host.TrimEnd('.'));
    }

    /// <summary>A --status-host value: a host name or address, without scheme, port or path.</summary>
    public static bool IsValidName(string name) =>
        name.Trim().Length is > 0 and <= 253 && name.IndexOfAny(new[] { ':', '/', ' ', '[', ']', '@', '?', '#' }) < 0;

    // "name", "name:port", "[v6]", "[v6]:port"; the host part is returned as written (brackets kept).
    private static bool TrySplitHost(string? header, out string host)
    {
        host = "";
        if (string.IsNullOrWhiteSpace(header)) return false;
        string value = header.Trim();
        int portStart;
        if (value.StartsWith('['))
        {
            int close = value.IndexOf(']');
            if (close < 0) return false;
            host = value[..(close + 1)];
            portStart = close + 1;
        }
        else
        {
            int colon = value.IndexOf(':');
            host = colon < 0 ? value : value[..colon];
            portStart = colon < 0 ? value.Length : colon;
        }
        if (portStart < value.Length)
        {
            if (value[portStart] != ':' || !ushort.TryParse(value.AsSpan(portStart + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        }
        return host.Length > 0;
    }

    // IPAddress.TryParse also takes "127.1" and "2130706433"; a browser would normalise those, so only
    // the ordinary form is expected, and anything else is refused rather than guessed at.
    private static bool IsDottedQuad(string host)
    {
        int dots = 0;
        foreach (char c in host)
        {
            if (c == '.') dots++;
            else if (c is < '0' or > '9') return false;
        }
        return dots == 3;
    }
}
