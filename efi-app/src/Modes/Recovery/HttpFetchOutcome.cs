namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>How an <c>http://</c> source ended before verification (<see cref="HttpImageFetch"/>).</summary>
internal enum HttpFetchOutcome : byte
{
    /// <summary>A 200 response's whole body is in the image buffer.</summary>
    Received = 0,
    NoNic,
    NoAddress,
    /// <summary>The server (or a host on the way) answered the SYN with RST: nothing listens on the port.</summary>
    Refused,
    /// <summary>The server reset the established connection.</summary>
    Reset,
    /// <summary>The TCP retransmissions (SYN, request or FIN) got no answer: host down, no route, or a dead path.</summary>
    TimedOut,
    /// <summary>Connected, but no byte arrived for <see cref="HttpImageFetch.StallSeconds"/>.</summary>
    Stalled,
    /// <summary>Bytes kept coming, but the whole download took more than <see cref="HttpImageFetch.MaxTransferSeconds"/>.</summary>
    TooSlow,
    /// <summary>The response broke the rules or was refused (<see cref="HttpImageFetch.Response"/> says how).</summary>
    BadResponse,
    /// <summary>The request did not fit its buffer (a URL this long is refused by the configuration already).</summary>
    RequestTooLong,
}
