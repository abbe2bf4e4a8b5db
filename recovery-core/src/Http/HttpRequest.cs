using System;

namespace UefiRecovery.Core.Http;

/// <summary>The one request the app sends: a GET with Host, Connection: close (the server's FIN ends the exchange) and no body.</summary>
public static class HttpRequest
{
    /// <summary>Writes "GET path HTTP/1.1" and its headers as ASCII; false (nothing meaningful written) when it does not fit.</summary>
    public static bool TryWriteGet(Span<byte> destination, ReadOnlySpan<char> authority, ReadOnlySpan<char> path, out int written)
    {
        written = 0;
        int at = 0;
        if (!Append(destination, ref at, "GET ") || !Append(destination, ref at, path) || !Append(destination, ref at, " HTTP/1.1\r\nHost: ")
            || !Append(destination, ref at, authority)
            || !Append(destination, ref at, "\r\nUser-Agent: UefiRecovery\r\nAccept: */*\r\nConnection: close\r\n\r\n"))
            return false;
        written = at;
        return true;
    }

    /// <summary>Our own text (line breaks included).</summary>
    private static bool Append(Span<byte> destination, ref int at, string text)
    {
        if (text.Length > destination.Length - at) return false;
        for (int i = 0; i < text.Length; i++)
            destination[at + i] = (byte)text[i];
        at += text.Length;
        return true;
    }

    /// <summary>Configured text: printable ASCII only, so no CR/LF can inject a header.</summary>
    private static bool Append(Span<byte> destination, ref int at, ReadOnlySpan<char> text)
    {
        if (text.Length > destination.Length - at) return false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c <= ' ' || c >= (char)0x7F) return false;
            destination[at + i] = (byte)c;
        }
        at += text.Length;
        return true;
    }
}
