using UefiRecovery.Core.Http;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// An <c>http://A.B.C.D[:port]/path</c> source: the NIC up (static address or DHCP, the gateway from either), one TCP
/// connection from a random port with a random ISN, one GET, the response read straight into the image buffer
/// (docs/http-source.md). It only fetches: the caller verifies the bytes exactly like a file's or a donor's, and
/// nothing here touches the flash. The NIC is closed again before it returns, so the next source starts clean.
/// </summary>
internal sealed class HttpImageFetch
{
    /// <summary>No byte for this long after the connection is up: the server stalls, give up.</summary>
    public const int StallSeconds = 30;

    /// <summary>A whole download, connect included, at most this long: a server dripping a byte every 29 s must not hold the machine.</summary>
    public const int MaxTransferSeconds = 600;

    private readonly TcpSocket _tcp = new TcpSocket(new TcpConfig());
    private readonly HttpResponseReader _response = new HttpResponseReader();
    private readonly byte[] _chunk = new byte[4096];
    private readonly byte[] _request = new byte[512];

    public HttpResponseReader Response => _response;
    public TcpSocket Connection => _tcp;
    /// <summary>Milliseconds from the connect to the end of the body (or the failure).</summary>
    public long TransferMs { get; private set; }

    public HttpFetchOutcome Fetch(UefiBootServices boot, RecoveryConsole lines, RecoveryConfig config, ReadOnlySpan<char> url, byte[] image)
    {
        _response.Reset();
        TransferMs = 0;
        if (!HttpUrl.TryParse(url, out uint address, out ushort port, out int pathStart, out _))
            return HttpFetchOutcome.BadResponse; // the configuration parsed it already; not reached
        if (!HttpRequest.TryWriteGet(_request, url.Slice(HttpUrl.Prefix.Length, pathStart - HttpUrl.Prefix.Length), url.Slice(pathStart), out int requestLength))
            return HttpFetchOutcome.RequestTooLong;

        var report = new NicReport(lines.Console, RecoveryConsole.Tag, verbose: false);
        SnpFrameDevice? device = NetworkBringUp.OpenFirstNic(boot, report);
        if (device == null)
            return HttpFetchOutcome.NoNic;
        HttpFetchOutcome outcome = FetchOver(device, report, boot, lines, config, url, new Ipv4Address(address), port,
            new ReadOnlySpan<byte>(_request, 0, requestLength), image);
        device.Close();
        return outcome;
    }

    private HttpFetchOutcome FetchOver(SnpFrameDevice device, NicReport report, UefiBootServices boot, RecoveryConsole lines, RecoveryConfig config,
        ReadOnlySpan<char> url, Ipv4Address server, ushort port, ReadOnlySpan<byte> request, byte[] image)
    {
        Interface iface = NetworkBringUp.CreateInterface(device, boot);
        if (NetworkBringUp.TryConfigureAddress(device, iface, config, boot, report, default, out _) != AddressStatus.Configured)
            return HttpFetchOutcome.NoAddress;
        // An ephemeral port (RFC 6335: 49152-65535) and an ISN from the boot's entropy (RFC 6528's goal: unguessable).
        ulong seed = EntropySource.DeriveSeed(boot, device.MacAddress.Value);
        ushort localPort = (ushort)(49152 + (int)(seed % 16384));
        iface.TryAttachTcp(_tcp);
        long start = MonotonicClock.Now.Milliseconds;
        _tcp.Connect(server, port, localPort, (uint)(seed >> 32), MonotonicClock.Now);
        _tcp.Send(request);
        bool onLink = server.IsInSubnet(iface.Address, iface.SubnetMask);
        lines.HttpConnecting(url, server, port, localPort, onLink ? Ipv4Address.Unspecified : iface.Gateway);

        HttpFetchOutcome outcome = Transfer(iface, device, image, start);
        TransferMs = MonotonicClock.Now.Milliseconds - start;
        // Received: an orderly close (our FIN after theirs); otherwise an RST tells the server at once.
        if (outcome == HttpFetchOutcome.Received) _tcp.Close();
        else _tcp.Abort();
        for (int i = 0; i < 20 && _tcp.IsOpen; i++)
        {
            iface.Poll(MonotonicClock.Now);
            device.Recycle();
            MonotonicClock.WaitForTick();
        }
        iface.Poll(MonotonicClock.Now); // a pending RST or last ACK
        device.Recycle();
        iface.DetachTcp();
        return outcome;
    }

    private HttpFetchOutcome Transfer(Interface iface, SnpFrameDevice device, byte[] image, long start)
    {
        long lastProgress = start;
        while (true)
        {
            Instant now = MonotonicClock.Now;
            int handled = iface.Poll(now);
            device.Recycle();
            bool progressed = false;
            int n;
            while ((n = _tcp.Receive(_chunk)) > 0)
            {
                progressed = true;
                HttpResponseStatus status = _response.Feed(new ReadOnlySpan<byte>(_chunk, 0, n), image);
                if (status == HttpResponseStatus.Complete && _tcp.ReceivedCount == 0 && !_tcp.PeerFinished)
                    return HttpFetchOutcome.Received; // the whole body: no need to wait for the server's FIN
                if (status != HttpResponseStatus.NeedMore && status != HttpResponseStatus.Complete)
                    return HttpFetchOutcome.BadResponse;
            }
            if (_tcp.PeerFinished)
                return _response.Finish() == HttpResponseStatus.Complete ? HttpFetchOutcome.Received : HttpFetchOutcome.BadResponse;
            if (_tcp.State == TcpState.Closed)
            {
                TcpCloseReason reason = _tcp.CloseReason;
                return reason == TcpCloseReason.Refused ? HttpFetchOutcome.Refused
                    : reason == TcpCloseReason.Reset ? HttpFetchOutcome.Reset : HttpFetchOutcome.TimedOut;
            }
            if (progressed) lastProgress = now.Milliseconds;
            // The connect has the socket's own time-out (8 SYNs); the stall clock runs once the connection is up.
            if (_tcp.State == TcpState.SynSent) lastProgress = now.Milliseconds;
            if (now.Milliseconds - lastProgress >= StallSeconds * 1000L)
                return HttpFetchOutcome.Stalled;
            if (now.Milliseconds - start >= MaxTransferSeconds * 1000L)
                return HttpFetchOutcome.TooSlow;
            if (handled == 0 && !progressed)
                MonotonicClock.WaitForTick();
        }
    }
}
