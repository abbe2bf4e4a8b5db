using System;

namespace UefiRecovery.Core.Http;

/// <summary>
/// Reads one HTTP/1.1 response (RFC 9112) from bytes pushed in as they arrive, and copies a 200 response's body
/// into the caller's image buffer: Content-Length or chunked transfer coding (the only ones accepted: without a
/// length a cut connection would look like a complete body), a size cap (the buffer), interim 1xx responses
/// skipped. Network bytes are hostile: every line is bounded, every number is checked for overflow, and a
/// failure is final. No I/O, no clock, nothing allocated after construction.
/// </summary>
public sealed class HttpResponseReader
{
    /// <summary>Longest status, header or chunk-size line.</summary>
    public const int MaxLineLength = 1024;
    /// <summary>All header lines of one response together.</summary>
    public const int MaxHeaderBytes = 16 * 1024;
    public const int MaxLocationLength = 256;

    private enum Stage : byte { StatusLine, Header, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailer, Done, Failed }

    private readonly byte[] _line = new byte[MaxLineLength];
    private readonly char[] _location = new char[MaxLocationLength];
    private int _lineLength;
    private Stage _stage;
    private HttpResponseStatus _failure;
    private int _headerBytes;
    private bool _interim;
    private bool _chunked;
    private bool _hasLength;
    private long _contentLength;
    private long _chunkLeft;

    /// <summary>The status code of the (final) response; 0 before its status line.</summary>
    public int StatusCode { get; private set; }
    /// <summary>Body bytes copied into the image buffer so far.</summary>
    public int BodyLength { get; private set; }
    /// <summary>Content-Length when the response had one; -1 otherwise (chunked).</summary>
    public long DeclaredLength => _hasLength ? _contentLength : -1;
    public bool IsChunked => _chunked;
    /// <summary>A redirect's Location header (cut at <see cref="MaxLocationLength"/>), for the report.</summary>
    public ReadOnlySpan<char> Location => new ReadOnlySpan<char>(_location, 0, LocationLength);
    private int LocationLength { get; set; }

    public void Reset()
    {
        _lineLength = 0;
        _stage = Stage.StatusLine;
        _failure = HttpResponseStatus.NeedMore;
        _headerBytes = 0;
        _interim = _chunked = _hasLength = false;
        _contentLength = 0;
        _chunkLeft = 0;
        StatusCode = 0;
        BodyLength = 0;
        LocationLength = 0;
    }

    /// <summary>
    /// Takes the next bytes of the response; body bytes go to <paramref name="image"/> at <see cref="BodyLength"/>.
    /// Returns NeedMore until the response is complete or has failed (then the same status again for every call).
    /// </summary>
    public HttpResponseStatus Feed(ReadOnlySpan<byte> data, Span<byte> image)
    {
        int i = 0;
        while (_stage != Stage.Failed)
        {
            if (_stage == Stage.Done)
                return i < data.Length ? Fail(HttpResponseStatus.ExcessData) : HttpResponseStatus.Complete;
            if (i == data.Length) return HttpResponseStatus.NeedMore;
            if (_stage == Stage.Body || _stage == Stage.ChunkData)
            {
                i += TakeBody(data.Slice(i), image);
                continue;
            }
            // A line-based stage: collect up to LF, then act on the line.
            byte b = data[i++];
            if (_stage == Stage.StatusLine || _stage == Stage.Header || _stage == Stage.Trailer)
            {
                if (++_headerBytes > MaxHeaderBytes) return Fail(HttpResponseStatus.HeaderTooLong);
            }
            if (b != (byte)'\n')
            {
                if (_lineLength == _line.Length) return Fail(HttpResponseStatus.HeaderTooLong);
                _line[_lineLength++] = b;
                continue;
            }
            // RFC 9112 §2.2: a recipient may take a bare LF as the line terminator; a CR before it is dropped.
            int length = _lineLength;
            if (length > 0 && _line[length - 1] == (byte)'\r') length--;
            _lineLength = 0;
            HttpResponseStatus status = OnLine(new ReadOnlySpan<byte>(_line, 0, length), image.Length);
            if (status != HttpResponseStatus.NeedMore) return Fail(status);
        }
        return _failure;
    }

    /// <summary>The connection ended (the server's FIN): Complete if the body was, else Truncated.</summary>
    public HttpResponseStatus Finish()
    {
        if (_stage == Stage.Done) return HttpResponseStatus.Complete;
        if (_stage == Stage.Failed) return _failure;
        return Fail(HttpResponseStatus.Truncated);
    }

    private HttpResponseStatus Fail(HttpResponseStatus status)
    {
        _stage = Stage.Failed;
        _failure = status;
        return status;
    }

    private int TakeBody(ReadOnlySpan<byte> data, Span<byte> image)
    {
        long left = _stage == Stage.Body ? _contentLength - BodyLength : _chunkLeft;
        int n = (int)Math.Min(left, (long)data.Length);
        // The cap was checked against the declared sizes before any body byte; this cannot overflow the image.
        data.Slice(0, n).CopyTo(image.Slice(BodyLength));
        BodyLength += n;
        if (_stage == Stage.Body)
        {
            if (BodyLength == _contentLength) _stage = Stage.Done;
        }
        else
        {
            _chunkLeft -= n;
            if (_chunkLeft == 0) _stage = Stage.ChunkDataEnd;
        }
        return n;
    }

    private HttpResponseStatus OnLine(ReadOnlySpan<byte> line, int capacity)
    {
        switch (_stage)
        {
            case Stage.StatusLine:
                return OnStatusLine(line);
            case Stage.Header:
                return line.IsEmpty ? OnHeadersEnd(capacity) : OnHeader(line);
            case Stage.ChunkSize:
                return OnChunkSize(line, capacity);
            case Stage.ChunkDataEnd:
                if (!line.IsEmpty) return HttpResponseStatus.Malformed;
                _stage = Stage.ChunkSize;
                return HttpResponseStatus.NeedMore;
            case Stage.Trailer:
                // Trailer fields are read and ignored (RFC 9112 §7.1.2); an empty line ends the message.
                if (line.IsEmpty) _stage = Stage.Done;
                else if (line.IndexOf((byte)':') <= 0) return HttpResponseStatus.Malformed;
                return HttpResponseStatus.NeedMore;
            default:
                return HttpResponseStatus.Malformed;
        }
    }

    /// <summary>"HTTP/1.x SSS reason" (RFC 9112 §4).</summary>
    private HttpResponseStatus OnStatusLine(ReadOnlySpan<byte> line)
    {
        if (line.Length < 12 || line[0] != (byte)'H' || line[1] != (byte)'T' || line[2] != (byte)'T' || line[3] != (byte)'P'
            || line[4] != (byte)'/' || line[5] != (byte)'1' || line[6] != (byte)'.' || !IsDigit(line[7]) || line[8] != (byte)' '
            || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) || (line.Length > 12 && line[12] != (byte)' '))
            return HttpResponseStatus.Malformed;
        StatusCode = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        if (StatusCode < 100) return HttpResponseStatus.Malformed;
        _interim = StatusCode < 200;
        _stage = Stage.Header;
        return HttpResponseStatus.NeedMore;
    }

    private HttpResponseStatus OnHeader(ReadOnlySpan<byte> line)
    {
        // obs-fold (a line starting with white space) is refused (RFC 9112 §5.2 allows it only for message/http).
        if (line[0] == (byte)' ' || line[0] == (byte)'\t') return HttpResponseStatus.Malformed;
        int colon = line.IndexOf((byte)':');
        if (colon <= 0) return HttpResponseStatus.Malformed;
        ReadOnlySpan<byte> name = line.Slice(0, colon);
        for (int k = 0; k < name.Length; k++)
            if (name[k] <= (byte)' ' || name[k] >= 0x7F) return HttpResponseStatus.Malformed; // no white space before the colon (§5.1)
        ReadOnlySpan<byte> value = Trim(line.Slice(colon + 1));
        if (_interim) return HttpResponseStatus.NeedMore;
        if (NameIs(name, "content-length")) return OnContentLength(value);
        if (NameIs(name, "transfer-encoding"))
        {
            if (!NameIs(value, "chunked")) return HttpResponseStatus.UnsupportedTransferCoding;
            _chunked = true;
            return HttpResponseStatus.NeedMore;
        }
        if (NameIs(name, "location"))
        {
            int n = Math.Min(value.Length, _location.Length);
            for (int k = 0; k < n; k++)
                _location[k] = value[k] >= 0x20 && value[k] < 0x7F ? (char)value[k] : '?';
            LocationLength = n;
        }
        return HttpResponseStatus.NeedMore;
    }

    private HttpResponseStatus OnContentLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 15) return HttpResponseStatus.ConflictingLength;
        long length = 0;
        for (int k = 0; k < value.Length; k++)
        {
            if (!IsDigit(value[k])) return HttpResponseStatus.ConflictingLength;
            length = length * 10 + (value[k] - '0');
        }
        // The same value twice is allowed (RFC 9110 §8.6); two different ones are not.
        if (_hasLength && length != _contentLength) return HttpResponseStatus.ConflictingLength;
        _hasLength = true;
        _contentLength = length;
        return HttpResponseStatus.NeedMore;
    }

    private HttpResponseStatus OnHeadersEnd(int capacity)
    {
        if (_interim)
        {
            // 1xx: another response follows (RFC 9110 §15.2).
            _stage = Stage.StatusLine;
            _interim = false;
            return HttpResponseStatus.NeedMore;
        }
        if (StatusCode >= 300 && StatusCode < 400) return HttpResponseStatus.Redirect;
        if (StatusCode != 200) return HttpResponseStatus.StatusNotOk;
        // Both framings at once is how request smuggling starts (RFC 9112 §6.3 item 3): refused, not guessed.
        if (_chunked && _hasLength) return HttpResponseStatus.ConflictingLength;
        if (_chunked)
        {
            _stage = Stage.ChunkSize;
            return HttpResponseStatus.NeedMore;
        }
        if (!_hasLength) return HttpResponseStatus.NoLength;
        if (_contentLength > capacity) return HttpResponseStatus.TooLarge;
        _stage = _contentLength == 0 ? Stage.Done : Stage.Body;
        return HttpResponseStatus.NeedMore;
    }

    /// <summary>chunk-size [; extensions] (RFC 9112 §7.1): hex digits, at most 8 (a larger chunk exceeds every image).</summary>
    private HttpResponseStatus OnChunkSize(ReadOnlySpan<byte> line, int capacity)
    {
        int k = 0;
        long size = 0;
        while (k < line.Length && HexValue(line[k]) >= 0)
        {
            if (k == 8) return HttpResponseStatus.TooLarge;
            size = size * 16 + HexValue(line[k]);
            k++;
        }
        if (k == 0) return HttpResponseStatus.Malformed;
        ReadOnlySpan<byte> rest = Trim(line.Slice(k));
        if (!rest.IsEmpty && rest[0] != (byte)';') return HttpResponseStatus.Malformed;
        if (size == 0)
        {
            _stage = Stage.Trailer;
            return HttpResponseStatus.NeedMore;
        }
        if (size > capacity - BodyLength) return HttpResponseStatus.TooLarge;
        _chunkLeft = size;
        _stage = Stage.ChunkData;
        return HttpResponseStatus.NeedMore;
    }

    private static bool IsDigit(byte b) => b >= (byte)'0' && b <= (byte)'9';

    private static int HexValue(byte b)
    {
        if (b >= (byte)'0' && b <= (byte)'9') return b - '0';
        if (b >= (byte)'a' && b <= (byte)'f') return b - 'a' + 10;
        if (b >= (byte)'A' && b <= (byte)'F') return b - 'A' + 10;
        return -1;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int start = 0, end = s.Length;
        while (start < end && (s[start] == (byte)' ' || s[start] == (byte)'\t')) start++;
        while (end > start && (s[end - 1] == (byte)' ' || s[end - 1] == (byte)'\t')) end--;
        return s.Slice(start, end - start);
    }

    /// <summary>Case-insensitive ASCII comparison with a lower-case literal.</summary>
    private static bool NameIs(ReadOnlySpan<byte> text, string lower)
    {
        if (text.Length != lower.Length) return false;
        for (int k = 0; k < text.Length; k++)
        {
            int c = text[k];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower[k]) return false;
        }
        return true;
    }
}
