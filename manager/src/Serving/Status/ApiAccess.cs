using System;
using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// Who may use serve's HTTP endpoint (GET /status, the instruction API; docs/operating.md §2.2, §8.8). Without an
/// API token the endpoint listens on loopback only and every request from there is answered (after the Host
/// check). With a token (serve --api-token-file) it may listen anywhere, and then a request needs
/// `Authorization: Bearer TOKEN` unless it is a GET from a loopback address: 401 without one, 403 with a wrong
/// one; either way nothing is done. A request with the right token skips the Host check (a DNS-rebinding page
/// cannot know the token).
/// </summary>
public sealed class ApiAccess
{
    public const int MinTokenLength = 16;

    private readonly byte[]? _token;

    public ApiAccess(string? token)
    {
        _token = token is null ? null : Encoding.UTF8.GetBytes(token);
    }

    public bool HasToken => _token is not null;

    /// <summary>Reads a token file: its text without surrounding white space, at least 16 printable characters.</summary>
    public static bool TryLoadToken(string path, out string token, out string error)
    {
        token = "";
        error = "";
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = "--api-token-file " + path + ": " + e.Message;
            return false;
        }
        foreach (char c in token)
        {
            if (c is <= ' ' or > '~')
            {
                error = "--api-token-file " + path + ": the token must be printable ASCII without spaces (e.g. openssl rand -hex 32)";
                return false;
            }
        }
        if (token.Length < MinTokenLength)
        {
            error = "--api-token-file " + path + ": the token is shorter than " + MinTokenLength + " characters (e.g. openssl rand -hex 32)";
            return false;
        }
        return true;
    }

    public ApiVerdict Judge(IPAddress? remote, string method, string? authorization)
    {
        if (_token is not null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            byte[] given = Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim());
            return CryptographicOperations.FixedTimeEquals(given, _token) ? ApiVerdict.Token : ApiVerdict.Forbidden;
        }
        bool loopback = remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
        bool reads = method is "GET" or "HEAD";
        if (loopback && (reads || _token is null)) return ApiVerdict.Local;
        if (_token is null) return ApiVerdict.Forbidden;
        return authorization is null ? ApiVerdict.Unauthorized : ApiVerdict.Forbidden;
    }
}

/// <summary>What <see cref="ApiAccess"/> says about a request.</summary>
public enum ApiVerdict
{
    /// <summary>From loopback without a token: answered if the Host check passes.</summary>
    Local,
    /// <summary>The right bearer token: answered.</summary>
    Token,
    /// <summary>401: a token is needed and none was given.</summary>
    Unauthorized,
    /// <summary>403: a wrong token, or not allowed from there at all.</summary>
    Forbidden,
}
