using System;
using System.Globalization;
using System.Net;

namespace UefiRecovery.Manager.Serving;

/// <summary>Parses "ADDR[:PORT]" the way the command line writes endpoints (IPv4 only: the recovery network is IPv4).</summary>
public static class EndpointText
{
    public static bool TryParse(string? text, int defaultPort, out IPEndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.Any, defaultPort);
        if (string.IsNullOrWhiteSpace(text)) return false;
        string host = text.Trim();
        int port = defaultPort;
        int colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > IPEndPoint.MaxPort) return false;
            host = host[..colon];
        }
        if (host.Length == 0) host = "0.0.0.0";
        if (!IPAddress.TryParse(host, out IPAddress? address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return false;
        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>
    /// "ADDR[:PORT]" for a local listener that may be IPv6: an IPv4 address as above, or an IPv6 address in
    /// brackets ("[::1]:8480", "[::1]"). The status endpoint is such a listener.
    /// </summary>
    public static bool TryParseWithIPv6(string? text, int defaultPort, out IPEndPoint endpoint)
    {
        if (TryParse(text, defaultPort, out endpoint)) return true;
        string trimmed = text?.Trim() ?? "";
        if (!trimmed.StartsWith('[')) return false;
        int close = trimmed.IndexOf(']');
        if (close < 0) return false;
        int port = defaultPort;
        string rest = trimmed[(close + 1)..];
        if (rest.Length > 0 && (rest[0] != ':' || !int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > IPEndPoint.MaxPort))
            return false;
        if (!IPAddress.TryParse(trimmed[1..close], out IPAddress? address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return false;
        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
