using System;
using UefiRecovery.Core.Config;

namespace UefiRecovery.Core.Http;

/// <summary>
/// <c>http://A.B.C.D[:port]/path</c>, the form <c>uefirecovery.source</c> takes for a web server: an IPv4 literal
/// (there is no DNS before boot), a port (default 80) and an absolute path of printable ASCII without spaces, quotes,
/// angle brackets, backslashes or a fragment. <c>https://</c> is refused with its reason (docs/http-source.md).
/// </summary>
public static class HttpUrl
{
    public const string Prefix = "http://";
    public const string TlsPrefix = "https://";
    public const ushort DefaultPort = 80;

    /// <summary>Parses <paramref name="url"/>; <paramref name="pathStart"/> is the index of the path's '/', the authority lies before it.</summary>
    public static bool TryParse(ReadOnlySpan<char> url, out uint address, out ushort port, out int pathStart, out string reason)
    {
        address = 0;
        port = DefaultPort;
        pathStart = 0;
        if (ConfigKeyNames.StartsWith(url, TlsPrefix))
        {
            reason = "https is not supported: no trustworthy TLS and CA store before boot; use http (the capsule is signed)";
            return false;
        }
        if (!ConfigKeyNames.StartsWith(url, Prefix))
        {
            reason = "not http://host/path";
            return false;
        }
        ReadOnlySpan<char> rest = url.Slice(Prefix.Length);
        int slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            reason = "no host or no /path after it";
            return false;
        }
        if (!ConfigValueParser.TryParseEndpoint(rest.Slice(0, slash), DefaultPort, out address, out port, out reason))
        {
            reason = "host must be an IPv4 address with an optional :port (no DNS before boot)";
            return false;
        }
        if (port == 0)
        {
            reason = "port 0";
            return false;
        }
        ReadOnlySpan<char> path = rest.Slice(slash);
        for (int i = 0; i < path.Length; i++)
        {
            char c = path[i];
            if (c <= ' ' || c >= (char)0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '#' || c == '`'
                || c == '{' || c == '}' || c == '|' || c == '^')
            {
                reason = "path has spaces, quotes, '#', '\\' or characters outside printable ASCII";
                return false;
            }
        }
        pathStart = Prefix.Length + slash;
        reason = "";
        return true;
    }
}
