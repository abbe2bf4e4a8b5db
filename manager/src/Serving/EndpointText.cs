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
}
