namespace UefiRecovery.Core.Http;

/// <summary>Where <see cref="HttpResponseReader"/> stands after some bytes; everything after <see cref="Complete"/> is a failure.</summary>
public enum HttpResponseStatus : byte
{
    /// <summary>All bytes so far are fine; more are needed.</summary>
    NeedMore = 0,
    /// <summary>A 200 response whose whole body (Content-Length, or the last chunk) is in the image buffer.</summary>
    Complete,
    /// <summary>The status line, a header line or the chunk framing breaks RFC 9112.</summary>
    Malformed,
    /// <summary>A final status other than 200 and not a redirect (404, 500...).</summary>
    StatusNotOk,
    /// <summary>A 3xx redirect: not followed (docs/http-source.md); the Location is kept for the report.</summary>
    Redirect,
    /// <summary>Neither Content-Length nor chunked: the end of the body could not be told from a cut connection.</summary>
    NoLength,
    /// <summary>Two different Content-Length values, a Content-Length with chunked, or a value that is not a number.</summary>
    ConflictingLength,
    /// <summary>A Transfer-Encoding other than "chunked" (gzip...).</summary>
    UnsupportedTransferCoding,
    /// <summary>The body is larger than the image buffer.</summary>
    TooLarge,
    /// <summary>A header line longer than the line buffer, or more header bytes than allowed in all.</summary>
    HeaderTooLong,
    /// <summary>The connection ended before the body was complete.</summary>
    Truncated,
    /// <summary>Bytes after the body's declared end (a wrong Content-Length or garbage after the last chunk).</summary>
    ExcessData,
}
