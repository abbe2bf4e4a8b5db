using System;
using System.Collections.Generic;
using System.Net;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving;

/// <summary>Everything `serve` was told on its command line, parsed and checked.</summary>
public sealed record ServeOptions
{
    public required string ImagesFolder { get; init; }
    public required IPEndPoint Listen { get; init; }
    public required DeliveryMode Delivery { get; init; }

    /// <summary>Where broadcast or multicast DATA goes (the subnet's broadcast address or the group); unused for unicast.</summary>
    public required IPAddress DataDestination { get; init; }

    /// <summary>The port clients listen on for DATA and STATUS_REQUEST in broadcast and multicast sessions.</summary>
    public required int ClientPort { get; init; }

    /// <summary>Pacing of DATA in Mbit/s; 0 sends as fast as the socket takes it.</summary>
    public required double RateMbitPerSecond { get; init; }

    public required int FragmentSize { get; init; }

    /// <summary>Public keys (files) whose signatures the catalog accepts.</summary>
    public required IReadOnlyList<string> TrustedKeys { get; init; }

    /// <summary>Trusted SHA-256 hashes of RSA moduli, hex.</summary>
    public IReadOnlyList<string> TrustedKeyHashes { get; init; } = Array.Empty<string>();

    /// <summary>The result log, or null for none (`--results off`).</summary>
    public required string? ResultsPath { get; init; }

    /// <summary>
    /// The file holding the member secret (docs/protocol.md §7.4): --secret-file, else beside the results log;
    /// null (no results log, no --secret-file) keeps a random secret in memory only.
    /// </summary>
    public string? SecretFile { get; init; }

    /// <summary>RSA-2048 private key PEM that signs every OFFER (--signing-key), or null for unsigned OFFERs.</summary>
    public string? SigningKeyPath { get; init; }

    /// <summary>A loopback address and port (127.0.0.1 or [::1]) for GET /status, or null when the endpoint is off.</summary>
    public required IPEndPoint? StatusHttp { get; init; }

    /// <summary>Host names the status endpoint answers besides localhost and loopback addresses (--status-host).</summary>
    public IReadOnlyList<string> StatusHostNames { get; init; } = Array.Empty<string>();

    /// <summary>Capsules larger than this are refused unread (--max-image-size).</summary>
    public long MaxImageBytes { get; init; } = Images.ImageLimits.DefaultMaxImageBytes;

    /// <summary>A client not heard from for this long is dropped from its session and recorded as timed out.</summary>
    public required TimeSpan ClientTimeout { get; init; }

    /// <summary>IP TTL of multicast DATA/STATUS_REQUEST: 1 stays on the segment; more crosses multicast routers.</summary>
    public int MulticastTtl { get; init; } = 1;

    /// <summary>T_gather: after the first ACCEPT, how long to wait for other machines before pass 0.</summary>
    public TimeSpan Gather { get; init; } = SessionTimings.DefaultGather;

    /// <summary>Faults applied to the manager's own outgoing datagrams (tests and demonstrations).</summary>
    public required FaultOptions Faults { get; init; }

    /// <summary>Identifies this donor in OFFERs (several donors may answer one REQUEST).</summary>
    public required string DonorName { get; init; }

    /// <summary>Preference this donor advertises (clients' policy may use it; higher is better).</summary>
    public required int Priority { get; init; }

    /// <summary>Terminal live view: on for a terminal, off for pipes/services; forced by --live / --no-live.</summary>
    public required bool LiveView { get; init; }

    /// <summary>Linux: send each pass's group DATA in sendmmsg(2) batches (off: one sendto per datagram).</summary>
    public bool BatchSends { get; init; } = true;

    /// <summary>
    /// --fec: offer capability FEC1 (docs/protocol.md §5.5): members that report BLOCK COUNTS get parity per block in
    /// repair passes; members that NACK (old clients) still get their fragments.
    /// </summary>
    public bool Fec { get; init; }

    /// <summary>
    /// --fec-proactive: parity sent in pass 0 right after each block's DATA, as a share of the block's fragments
    /// (rounded up; 0 = none, docs/protocol.md §5.5). A member that lost no more of a block than that decodes it
    /// without a repair pass, so the whole fleet can finish in pass 0; the price is the share on every block.
    /// </summary>
    public double FecProactive { get; init; }

    /// <summary>Members per session and in all live sessions (tests set smaller ones).</summary>
    public DonorLimits Limits { get; init; } = new();

    /// <summary>
    /// TEST ONLY (--insecure-serve-unverified): act as a rogue donor. Capsules are offered without the
    /// catalog's signature and version checks, to every REQUEST, announced with the requester's image type
    /// and a version at its floor, so the machine's own verification is what refuses them.
    /// </summary>
    public bool InsecureServeUnverified { get; init; }

    /// <summary>The instruction key (--instruction-key, RSA-2048 PEM) serve signs API instructions with; null: the API refuses them.</summary>
    public string? InstructionKeyPath { get; init; }

    /// <summary>That key's counter file (--counter-file; default the key file + .counter, as `instruct`).</summary>
    public string? InstructionCounterPath { get; init; }

    /// <summary>The API token (--api-token-file's content), or null: then the HTTP endpoint is loopback-only.</summary>
    public string? ApiToken { get; init; }

    /// <summary>How long an instruction may stay in each state (--instruction-timeouts).</summary>
    public Instructions.InstructionTimeouts InstructionTimeouts { get; init; } = new();

    /// <summary>--log-level, or null: information, warning while the live view owns the terminal.</summary>
    public Microsoft.Extensions.Logging.LogLevel? LogLevel { get; init; }

    /// <summary>--json: log lines as JSON objects (one per line) and the ready line as {"event":"ready",...}; no live view.</summary>
    public bool Json { get; init; }
}
