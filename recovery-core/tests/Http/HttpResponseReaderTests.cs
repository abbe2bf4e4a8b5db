using System;
using System.Text;
using UefiRecovery.Core.Http;
using Xunit;

namespace UefiRecovery.Core.Tests.Http;

public class HttpResponseReaderTests
{
    private const int Capacity = 4096;

    private static byte[] Body(int length)
    {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte)(i * 13 + 1);
        return b;
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts)
    {
        int n = 0;
        foreach (byte[] p in parts) n += p.Length;
        byte[] all = new byte[n];
        int at = 0;
        foreach (byte[] p in parts) { p.CopyTo(all, at); at += p.Length; }
        return all;
    }

    /// <summary>Feeds <paramref name="response"/> in pieces of <paramref name="piece"/> bytes, then (if still NeedMore) the end of the connection.</summary>
    private static HttpResponseStatus Run(byte[] response, byte[] image, int piece, out HttpResponseReader reader, bool close = true)
    {
        reader = new HttpResponseReader();
        HttpResponseStatus status = HttpResponseStatus.NeedMore;
        for (int at = 0; at < response.Length && (status == HttpResponseStatus.NeedMore || status == HttpResponseStatus.Complete); at += piece)
            status = reader.Feed(response.AsSpan(at, Math.Min(piece, response.Length - at)), image);
        if (close && (status == HttpResponseStatus.NeedMore || status == HttpResponseStatus.Complete)) status = reader.Finish();
        return status;
    }

    private static byte[] Image()
    {
        byte[] image = new byte[Capacity];
        image.AsSpan().Fill(0xA5);
        return image;
    }

    public static TheoryData<string, int> Pieces => new() { { "whole", 100_000 }, { "byte by byte", 1 }, { "7 bytes", 7 }, { "1460 bytes", 1460 } };

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Feed_ContentLength_BodyInImage(string name, int piece)
    {
        _ = name;
        byte[] body = Body(3000);
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nServer: test\r\nContent-Length: 3000\r\nContent-Type: application/octet-stream\r\n\r\n"), body);
        byte[] image = Image();
        Assert.Equal(HttpResponseStatus.Complete, Run(response, image, piece, out HttpResponseReader reader));
        Assert.Equal(3000, reader.BodyLength);
        Assert.Equal(body, image.AsSpan(0, 3000).ToArray());
        Assert.Equal(0xA5, image[3000]);
        Assert.Equal(200, reader.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Feed_Chunked_DecodedWithExtensionsAndTrailers(string name, int piece)
    {
        _ = name;
        byte[] body = Body(2500);
        byte[] response = Concat(
            Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Ascii("3e8;name=value\r\n"), body.AsSpan(0, 1000).ToArray(), Ascii("\r\n"),
            Ascii("5DC\r\n"), body.AsSpan(1000, 1500).ToArray(), Ascii("\r\n"),
            Ascii("0\r\nX-Trailer: yes\r\n\r\n"));
        byte[] image = Image();
        Assert.Equal(HttpResponseStatus.Complete, Run(response, image, piece, out HttpResponseReader reader));
        Assert.Equal(body, image.AsSpan(0, 2500).ToArray());
        Assert.True(reader.IsChunked);
    }

    [Fact]
    public void Feed_InterimContinueThenOk_Skipped()
    {
        byte[] response = Concat(Ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"), Body(4));
        byte[] image = Image();
        Assert.Equal(HttpResponseStatus.Complete, Run(response, image, 1, out _));
    }

    [Fact]
    public void Feed_BareLineFeeds_Accepted()
    {
        byte[] response = Concat(Ascii("HTTP/1.0 200 OK\nContent-Length: 4\n\n"), Body(4));
        Assert.Equal(HttpResponseStatus.Complete, Run(response, Image(), 3, out _));
    }

    [Fact]
    public void Feed_SameContentLengthTwice_Accepted()
    {
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\ncontent-length: 4\r\n\r\n"), Body(4));
        Assert.Equal(HttpResponseStatus.Complete, Run(response, Image(), 5, out _));
    }

    /// <summary>Responses that fail before any body byte: the image must stay untouched.</summary>
    public static TheoryData<string, string, HttpResponseStatus> HostileHeads => new()
    {
        { "404", "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope", HttpResponseStatus.StatusNotOk },
        { "500", "HTTP/1.1 500 Internal Server Error\r\n\r\n", HttpResponseStatus.StatusNotOk },
        { "206 partial", "HTTP/1.1 206 Partial Content\r\nContent-Length: 4\r\n\r\nabcd", HttpResponseStatus.StatusNotOk },
        { "redirect", "HTTP/1.1 302 Found\r\nLocation: http://10.9.9.9/other.cap\r\nContent-Length: 0\r\n\r\n", HttpResponseStatus.Redirect },
        { "no length", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabcd", HttpResponseStatus.NoLength },
        { "two lengths", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd", HttpResponseStatus.ConflictingLength },
        { "length and chunked", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", HttpResponseStatus.ConflictingLength },
        { "negative length", "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", HttpResponseStatus.ConflictingLength },
        { "length with sign", "HTTP/1.1 200 OK\r\nContent-Length: +4\r\n\r\n", HttpResponseStatus.ConflictingLength },
        { "length list", "HTTP/1.1 200 OK\r\nContent-Length: 4, 4\r\n\r\n", HttpResponseStatus.ConflictingLength },
        { "length 20 digits", "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\n", HttpResponseStatus.ConflictingLength },
        { "empty length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", HttpResponseStatus.ConflictingLength },
        { "larger than the image", "HTTP/1.1 200 OK\r\nContent-Length: 4097\r\n\r\n", HttpResponseStatus.TooLarge },
        { "gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HttpResponseStatus.UnsupportedTransferCoding },
        { "HTTP/2 line", "HTTP/2 200 OK\r\n\r\n", HttpResponseStatus.Malformed },
        { "status 2 digits", "HTTP/1.1 20 OK\r\n\r\n", HttpResponseStatus.Malformed },
        { "status 099", "HTTP/1.1 099 X\r\n\r\n", HttpResponseStatus.Malformed },
        { "status letters", "HTTP/1.1 2OO OK\r\n\r\n", HttpResponseStatus.Malformed },
        { "not HTTP", "SSH-2.0-OpenSSH_9.2\r\n", HttpResponseStatus.Malformed },
        { "header without colon", "HTTP/1.1 200 OK\r\nContent-Length 4\r\n\r\n", HttpResponseStatus.Malformed },
        { "space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 4\r\n\r\n", HttpResponseStatus.Malformed },
        { "obs-fold", "HTTP/1.1 200 OK\r\nX-A: b\r\n c\r\nContent-Length: 4\r\n\r\n", HttpResponseStatus.Malformed },
        { "empty header name", "HTTP/1.1 200 OK\r\n: 4\r\n\r\n", HttpResponseStatus.Malformed },
        { "chunk size not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", HttpResponseStatus.Malformed },
        { "chunk size empty", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", HttpResponseStatus.Malformed },
        { "chunk size overflow", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000004\r\n", HttpResponseStatus.TooLarge },
        { "chunk larger than the image", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1001\r\n", HttpResponseStatus.TooLarge },
        { "chunk size with junk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4 x\r\n", HttpResponseStatus.Malformed },
    };

    [Theory]
    [MemberData(nameof(HostileHeads))]
    public void Feed_HostileHead_FailsWithReasonImageUntouched(string name, string response, HttpResponseStatus expected)
    {
        _ = name;
        foreach (int piece in new[] { 1, 5, 100_000 })
        {
            byte[] image = Image();
            Assert.Equal(expected, Run(Ascii(response), image, piece, out HttpResponseReader reader));
            Assert.Equal(0, reader.BodyLength);
            Assert.All(image, b => Assert.Equal(0xA5, b));
        }
    }

    [Fact]
    public void Feed_Redirect_LocationKeptForTheReport()
    {
        Run(Ascii("HTTP/1.1 301 Moved\r\nLocation: http://10.9.9.9/other.cap\r\n\r\n"), Image(), 3, out HttpResponseReader reader);
        Assert.Equal("http://10.9.9.9/other.cap", reader.Location.ToString());
        Assert.Equal(301, reader.StatusCode);
    }

    [Fact]
    public void Feed_HeaderLineLongerThanBuffer_HeaderTooLong()
    {
        string response = "HTTP/1.1 200 OK\r\nX-Big: " + new string('a', HttpResponseReader.MaxLineLength) + "\r\n\r\n";
        Assert.Equal(HttpResponseStatus.HeaderTooLong, Run(Ascii(response), Image(), 64, out _));
    }

    [Fact]
    public void Feed_EndlessShortHeaders_HeaderTooLong()
    {
        var sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
        while (sb.Length <= HttpResponseReader.MaxHeaderBytes) sb.Append("X-A: b\r\n");
        Assert.Equal(HttpResponseStatus.HeaderTooLong, Run(Ascii(sb.ToString()), Image(), 100, out _));
    }

    [Fact]
    public void Feed_EndlessInterimResponses_HeaderTooLong()
    {
        var sb = new StringBuilder();
        while (sb.Length <= HttpResponseReader.MaxHeaderBytes) sb.Append("HTTP/1.1 100 Continue\r\n\r\n");
        Assert.Equal(HttpResponseStatus.HeaderTooLong, Run(Ascii(sb.ToString()), Image(), 100, out _));
    }

    [Theory]
    [MemberData(nameof(Pieces))]
    public void Finish_ClosedMidBody_Truncated(string name, int piece)
    {
        _ = name;
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n"), Body(2999));
        Assert.Equal(HttpResponseStatus.Truncated, Run(response, Image(), piece, out HttpResponseReader reader));
        Assert.Equal(2999, reader.BodyLength);
    }

    [Fact]
    public void Finish_ClosedInHeaders_Truncated()
    {
        Assert.Equal(HttpResponseStatus.Truncated, Run(Ascii("HTTP/1.1 200 OK\r\nContent-Len"), Image(), 4, out _));
        Assert.Equal(HttpResponseStatus.Truncated, Run(Array.Empty<byte>(), Image(), 4, out _));
    }

    [Fact]
    public void Finish_ChunkedWithoutLastChunk_Truncated()
    {
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n"), Body(4), Ascii("\r\n"));
        Assert.Equal(HttpResponseStatus.Truncated, Run(response, Image(), 3, out _));
    }

    [Fact]
    public void Feed_MoreThanContentLength_ExcessData()
    {
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), Body(101));
        foreach (int piece in new[] { 1, 100_000 })
        {
            byte[] image = Image();
            Assert.Equal(HttpResponseStatus.ExcessData, Run(response, image, piece, out HttpResponseReader reader));
            Assert.Equal(0xA5, image[100]); // the extra byte was not written
        }
    }

    [Fact]
    public void Feed_ChunkDataWithoutCrLf_Malformed()
    {
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n"), Body(5), Ascii("\r\n0\r\n\r\n"));
        Assert.Equal(HttpResponseStatus.Malformed, Run(response, Image(), 2, out _));
    }

    [Fact]
    public void Feed_ChunksSumLargerThanImage_TooLargeNothingBeyondCapacity()
    {
        byte[] response = Concat(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n"), Body(0x800), Ascii("\r\n801\r\n"));
        byte[] image = Image();
        Assert.Equal(HttpResponseStatus.TooLarge, Run(response, image, 512, out HttpResponseReader reader));
        Assert.Equal(0x800, reader.BodyLength);
    }

    [Fact]
    public void Feed_AfterFailure_StaysFailed()
    {
        var reader = new HttpResponseReader();
        byte[] image = Image();
        Assert.Equal(HttpResponseStatus.Malformed, reader.Feed(Ascii("XTTP/1.1 200 OK\r\n"), image));
        Assert.Equal(HttpResponseStatus.Malformed, reader.Feed(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), image));
        Assert.Equal(HttpResponseStatus.Malformed, reader.Finish());
        reader.Reset();
        Assert.Equal(HttpResponseStatus.Complete, reader.Feed(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), image));
    }

    /// <summary>Seeded mutations of valid responses: never an exception, never a body beyond the image, Complete only with a consistent length.</summary>
    [Fact]
    public void Feed_SeededMutations_NeverThrowNeverOverrun()
    {
        byte[][] corpus =
        {
            Concat(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n"), Body(300)),
            Concat(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n"), Body(100), Ascii("\r\nc8\r\n"), Body(200), Ascii("\r\n0\r\n\r\n")),
        };
        var rng = new Random(20261207);
        byte[] image = new byte[1024];
        int complete = 0;
        for (int n = 0; n < 100_000; n++)
        {
            byte[] r = (byte[])corpus[n % corpus.Length].Clone();
            int mutations = 1 + rng.Next(3);
            for (int m = 0; m < mutations; m++) r[rng.Next(r.Length)] = (byte)rng.Next(256);
            var reader = new HttpResponseReader();
            HttpResponseStatus s = reader.Feed(r, image);
            if (s == HttpResponseStatus.NeedMore) s = reader.Finish();
            Assert.True(reader.BodyLength <= image.Length);
            if (s == HttpResponseStatus.Complete)
            {
                complete++;
                if (reader.DeclaredLength >= 0) Assert.Equal(reader.DeclaredLength, reader.BodyLength);
            }
        }
        Assert.True(complete > 1000, "only " + complete + " mutated responses completed");
    }
}
