using System;
using System.Collections.Generic;
using System.Globalization;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>
/// The command line of the real manager's <c>serve</c> in a test (docs/operating.md): what every test gives the
/// same way (no status endpoint, no live view) and, with a default each, what tests vary. Labs make their usual
/// one (<see cref="E2eRecoveryLab.Serve"/>), tests change it with <c>with { ... }</c>, and
/// <see cref="RecoveryManager.ServeAsync"/> starts it.
/// </summary>
internal sealed record ServeArguments(string Images, string Listen, string Results)
{
    /// <summary><c>--delivery</c>: broadcast, multicast or unicast.</summary>
    public string Delivery { get; init; } = "broadcast";

    /// <summary><c>--destination</c>: the broadcast address or multicast group for DATA; null leaves it out (unicast needs none).</summary>
    public string? Destination { get; init; }

    /// <summary><c>--ttl</c> of multicast datagrams; null leaves the manager's default.</summary>
    public int? MulticastTtl { get; init; }

    /// <summary>
    /// <c>--trusted-key-hash</c> values: the manager offers only capsules it trusts itself, so this decides what it
    /// serves. The EDK2 test key by default.
    /// </summary>
    public IReadOnlyList<string> TrustedKeyHashes { get; init; } = new[] { RecoveryManager.TestKeyHash };

    /// <summary><c>--trusted</c> files (PEM keys, certificates, a PKCS7 root).</summary>
    public IReadOnlyList<string> TrustedFiles { get; init; } = Array.Empty<string>();

    /// <summary><c>--rate</c> in Mbit/s (0: unpaced): by default well below what SNP polling under TCG absorbs; loss is repaired anyway.</summary>
    public double RateMbit { get; init; } = 20;

    /// <summary><c>--client-timeout</c> in seconds: long, for machines on a loaded TCG host.</summary>
    public double ClientTimeoutSeconds { get; init; } = 300;

    /// <summary><c>--gather</c> in seconds after the first ACCEPT; null leaves the manager's default (the client's offer window).</summary>
    public double? GatherSeconds { get; init; }

    /// <summary><c>--name</c>: the donor name in OFFERs (shown in the logs).</summary>
    public string Name { get; init; } = "e2e-test";

    /// <summary><c>--signing-key</c>: a PEM private key every OFFER is signed with.</summary>
    public string? SigningKey { get; init; }

    /// <summary><c>--insecure-serve-unverified</c>: a rogue donor (capsules unverified, announced as whatever the machine asks for).</summary>
    public bool InsecureServeUnverified { get; init; }

    /// <summary><c>--status-http</c>: "off", or ADDR:PORT for the status endpoint and the instruction API.</summary>
    public string StatusHttp { get; init; } = "off";

    /// <summary><c>--instruction-key</c> and <c>--counter-file</c>: serve signs and follows instructions (docs/operating.md §8.8).</summary>
    public string? InstructionKey { get; init; }

    public string? InstructionCounterFile { get; init; }

    /// <summary>serve --fec (docs/protocol.md §5.5).</summary>
    public bool Fec { get; init; }

    /// <summary>serve --fec-proactive in percent (with <see cref="Fec"/>); null leaves it out.</summary>
    public double? FecProactivePercent { get; init; }

    /// <summary>The arguments after the manager's dll.</summary>
    public List<string> ToList()
    {
        var arguments = new List<string> { "serve", "--images", Images, "--listen", Listen, "--delivery", Delivery };
        if (Destination != null)
        {
            arguments.AddRange(new[] { "--destination", Destination });
        }
        if (MulticastTtl != null)
        {
            arguments.AddRange(new[] { "--ttl", MulticastTtl.Value.ToString(CultureInfo.InvariantCulture) });
        }
        foreach (string hash in TrustedKeyHashes)
        {
            arguments.AddRange(new[] { "--trusted-key-hash", hash });
        }
        foreach (string file in TrustedFiles)
        {
            arguments.AddRange(new[] { "--trusted", file });
        }
        arguments.AddRange(new[]
        {
            "--results", Results, "--status-http", StatusHttp, "--live", "false",
            "--rate", RateMbit.ToString(CultureInfo.InvariantCulture),
            "--client-timeout", ClientTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        });
        if (GatherSeconds != null)
        {
            arguments.AddRange(new[] { "--gather", GatherSeconds.Value.ToString(CultureInfo.InvariantCulture) });
        }
        arguments.AddRange(new[] { "--name", Name });
        if (Fec)
        {
            arguments.AddRange(new[] { "--fec", "true" });
        }
        if (FecProactivePercent != null)
        {
            arguments.AddRange(new[] { "--fec-proactive", FecProactivePercent.Value.ToString(CultureInfo.InvariantCulture) + "%" });
        }
        if (SigningKey != null)
        {
            arguments.AddRange(new[] { "--signing-key", SigningKey });
        }
        if (InsecureServeUnverified)
        {
            arguments.Add("--insecure-serve-unverified");
        }
        if (InstructionKey != null)
        {
            arguments.AddRange(new[] { "--instruction-key", InstructionKey });
        }
        if (InstructionCounterFile != null)
        {
            arguments.AddRange(new[] { "--counter-file", InstructionCounterFile });
        }
        return arguments;
    }
}
