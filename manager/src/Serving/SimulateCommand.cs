using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using UefiRecovery.Core.Image;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Simulating;

namespace UefiRecovery.Manager.Serving;

/// <summary>
/// `simulate`: N recovering machines, each the portable client engine over its own real UDP sockets, for
/// tests, load and benchmarks. Writes each verified image to --out and a JSON report; exit 0 only if every
/// client recovered and got its RESULT acknowledged.
/// </summary>
public static class SimulateCommand
{
    public static Command Build()
    {
        var clients = new Option<int>("--clients") { HelpName = "N", Description = "Number of simulated machines.", DefaultValueFactory = _ => 1 };
        var manager = new Option<string?>("--manager") { HelpName = "ADDR[:PORT]", Description = "Stored manager address[:port] the REQUEST goes to." };
        var discover = new Option<bool>("--discover") { Description = "Also broadcast the REQUEST (DISCOVER) to --broadcast." };
        var broadcast = new Option<string>("--broadcast") { HelpName = "ADDR[:PORT]", Description = "Where DISCOVER goes.", DefaultValueFactory = _ => "255.255.255.255:" + ProtocolConstants.DonorPort };
        var bind = new Option<string>("--bind") { HelpName = "ADDR", Description = "Local IPv4 address of the clients' sockets.", DefaultValueFactory = _ => "0.0.0.0" };
        var clientPort = new Option<int>("--client-port") { HelpName = "PORT", Description = "Shared port for broadcast/multicast DATA (0 = unicast only).", DefaultValueFactory = _ => ProtocolConstants.ClientPort };
        var modes = new Option<string?>("--delivery-modes") { HelpName = "MODE,...", Description = "Modes the clients accept: comma list of broadcast, multicast, unicast (default: all; unicast only when --client-port 0)." };
        var imageType = new Option<string>("--image-type") { HelpName = "GUID", Description = "The machines' FMP ImageTypeId GUID.", DefaultValueFactory = _ => "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10" };
        var lowest = CliNumber.UInt32("--lsv", "The machines' stored LowestSupportedVersion (their rollback floor, uefirecovery.lsv), decimal or 0x hex.", 0, "VERSION");
        var lowestOld = CliAlias.Hidden(lowest, "--lowest-version");
        var current = CliNumber.UInt32("--current-version", "Firmware version the machines run now, decimal or 0x hex.", 0, "VERSION");
        var capacity = CliNumber.UInt32("--capacity", "Image buffer bytes per machine, decimal or 0x hex.", 64u * 1024 * 1024, "BYTES");
        var maxDatagram = new Option<int>("--max-datagram") { HelpName = "BYTES", Description = "Largest UDP payload the machines receive.", DefaultValueFactory = _ => ProtocolLimits.DefaultDatagram };
        var faults = new Option<string?>("--faults") { HelpName = "SPEC", Description = "Seeded faults on what each machine receives (each its own stream), e.g. drop=0.05,corrupt=0.01,seed=3." };
        var seed = new Option<int>("--seed") { HelpName = "N", Description = "Base seed for the machines' protocol PRNGs.", DefaultValueFactory = _ => 1 };
        var macBase = new Option<string>("--mac-base") { HelpName = "MAC", Description = "MAC of machine 0 as 12 hex digits; machine i adds i.", DefaultValueFactory = _ => "020000000001" };
        var stagger = new Option<double>("--stagger") { HelpName = "SECONDS", Description = "Seconds between machine starts (machine i starts at i × stagger).", DefaultValueFactory = _ => 0 };
        var timeout = new Option<double>("--timeout") { HelpName = "SECONDS", Description = "Seconds each machine may take before it gives up.", DefaultValueFactory = _ => 300 };
        var output = new Option<string?>("--out") { HelpName = "DIR", Description = "Folder each machine writes its verified image to (<mac>.bin)." };
        var report = new Option<string?>("--report") { HelpName = "FILE|-", Description = "Write the JSON report to this file; '-' (the default) prints it on stdout." };
        var trusted = new Option<string[]>("--trusted") { HelpName = "KEY|CERT", Description = "Trust anchors the machines verify capsules with (PEM RSA key/certificate, DER/PEM root). Without any, only the image id (SHA-256) is checked.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var trustedHash = new Option<string[]>("--trusted-key-hash") { HelpName = "SHA256", Description = "Trusted SHA-256 of an RSA modulus (64 hex digits).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var trustedManager = new Option<string[]>("--trusted-manager") { HelpName = "KEY|SHA256", Description = "Manager signing keys the machines trust (uefirecovery.trust.manager): PEM RSA public key, certificate or private key file, or the modulus SHA-256 as 64 hex digits; up to 4. With any, the machines take only OFFERs signed by one of them.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var prefer = new Option<string[]>("--prefer") { Description = "Preferred donor ids (16 hex digits, 0x optional), most preferred first.", HelpName = "DONOR-ID", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var quiet = new Option<double>("--quiet-timeout") { HelpName = "SECONDS", Description = "T_quiet seconds (unsolicited STATUS after session silence).", DefaultValueFactory = _ => 3 };
        var offerWindow = new Option<double>("--offer-window") { HelpName = "SECONDS", Description = "T_offer seconds: after the first acceptable OFFER, wait this long for others.", DefaultValueFactory = _ => 0.75 };
        var sharedSocket = new Option<bool>("--shared-group-socket") { Description = "Linux: one socket on --client-port receives broadcast/multicast for all machines and hands every batch to each engine in turn, on one thread (one kernel copy per datagram instead of one per machine; each engine still checks and copies every datagram, and --faults still roll per machine). Default: a group socket and a thread per machine." };
        var lost = new Option<double>("--lost-timeout") { HelpName = "SECONDS", Description = "T_lost seconds (rediscover after total session silence).", DefaultValueFactory = _ => 30 };

        var command = new Command("simulate", "Run simulated recovering machines (the portable client engine over real UDP sockets).\n\nExample:\n  uefirecovery-manager simulate --clients 20 --manager 192.0.2.10 --bind 192.0.2.50 \\\n      --trusted fw-signing.pub.pem --lsv 0x00010000 --out /tmp/recovered --report report.json");
        foreach (Option option in new Option[] { clients, manager, discover, broadcast, bind, clientPort, modes, imageType, lowest, lowestOld, current, capacity, maxDatagram, faults, seed, macBase, stagger, timeout, output, report, trusted, trustedHash, trustedManager, prefer, quiet, offerWindow, lost, sharedSocket })
            command.Options.Add(option);

        command.SetAction(async (parse, cancellationToken) =>
        {
            int count = parse.GetValue(clients);
            if (count < 1 || count > 1000) return Fail("--clients must be 1..1000");
            DatagramEndpoint managerEndpoint = default;
            if (parse.GetValue(manager) is { } managerText)
            {
                if (!EndpointText.TryParse(managerText, ProtocolConstants.DonorPort, out IPEndPoint m)) return Fail("--manager must be address[:port]");
                managerEndpoint = SocketClientTransport.FromIp(m);
            }
            bool discovering = parse.GetValue(discover);
            if (managerEndpoint.IsUnspecified && !discovering) return Fail("give --manager, --discover, or both");
            if (!EndpointText.TryParse(parse.GetValue(broadcast), ProtocolConstants.DonorPort, out IPEndPoint broadcastEndpoint)) return Fail("--broadcast must be address[:port]");
            if (!IPAddress.TryParse(parse.GetValue(bind), out IPAddress? bindAddress)) return Fail("--bind must be an IPv4 address");
            int groupPort = parse.GetValue(clientPort);
            if (!TryParseModes(parse.GetValue(modes), groupPort, out DeliveryModes deliveryModes)) return Fail("--delivery-modes: broadcast, multicast, unicast");
            if (!Guid.TryParse(parse.GetValue(imageType), out Guid type)) return Fail("--image-type must be a GUID");
            if (!FaultOptions.TryParse(parse.GetValue(faults), out FaultOptions faultOptions, out string faultError)) return Fail(faultError);
            if (!ulong.TryParse(parse.GetValue(macBase), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong mac0) || mac0 == 0 || (mac0 + (ulong)count) >> 48 != 0)
                return Fail("--mac-base must be 12 hex digits");
            var preferred = new List<ulong>();
            foreach (string id in parse.GetValue(prefer)!)
            {
                string digits = id.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? id[2..] : id;
                if (!ulong.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong donor)) return Fail("--prefer: not a hex donor id: " + id);
                preferred.Add(donor);
            }
            TrustStore? trust = null;
            string[] trustFiles = parse.GetValue(trusted)!;
            string[] trustHashes = parse.GetValue(trustedHash)!;
            if (trustFiles.Length + trustHashes.Length > 0)
            {
                if (TrustStoreLoader.KeyHashProblem(trustHashes) is { } hashProblem) return Fail(hashProblem);
                try { trust = TrustStoreLoader.Load(trustFiles, trustHashes); }
                catch (InvalidDataException e) { return Fail(e.Message, ExitCodes.Configuration); }
            }
            var managerKeys = new List<byte[]>();
            foreach (string key in parse.GetValue(trustedManager)!)
            {
                try { managerKeys.Add(ManagerKeyHash.FromArgument(key)); }
                catch (InvalidDataException e) { return Fail("--trusted-manager: " + e.Message, ExitCodes.Configuration); }
            }
            if (managerKeys.Count > ClientConfig.MaxTrustedManagerKeys) return Fail("--trusted-manager: at most " + ClientConfig.MaxTrustedManagerKeys + " keys");
            uint lowestVersion = CliAlias.Value(parse, lowest, lowestOld);
            string? outFolder = parse.GetValue(output);
            if (outFolder is not null) Directory.CreateDirectory(outFolder);

            var timings = new ClientTimings
            {
                QuietInitialMs = (uint)(parse.GetValue(quiet) * 1000),
                SessionLostMs = (uint)(parse.GetValue(lost) * 1000),
                OfferWindowMs = (uint)(parse.GetValue(offerWindow) * 1000),
            };
            timings.QuietMaxMs = Math.Max(timings.QuietMaxMs, timings.QuietInitialMs);
            uint ownAddress = bindAddress.Equals(IPAddress.Any) ? 0 : SocketClientTransport.FromIp(new IPEndPoint(bindAddress, 0)).Address;
            bool useSharedSocket = parse.GetValue(sharedSocket);
            if (useSharedSocket && (groupPort == 0 || !OperatingSystem.IsLinux())) return Fail("--shared-group-socket needs Linux and a --client-port");
            using SharedGroupReceiver? shared = useSharedSocket ? new SharedGroupReceiver(bindAddress, groupPort, SocketClientTransport.ReceiveBufferBytes) : null;
            var machines = new List<SimulatedClient>();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    var config = new ClientConfig
                    {
                        ImageType = Sessions.DonorIdentity.TypeIdFor(type),
                        CurrentVersion = parse.GetValue(current),
                        LowestAcceptableVersion = lowestVersion,
                        MacAddress = mac0 + (ulong)i,
                        Ipv4Address = ownAddress,
                        MaxDatagram = (ushort)parse.GetValue(maxDatagram),
                        DeliveryModes = deliveryModes,
                        ManagerEndpoint = managerEndpoint,
                        DiscoverByBroadcast = discovering,
                        BroadcastEndpoint = SocketClientTransport.FromIp(broadcastEndpoint),
                        ImageCapacity = parse.GetValue(capacity),
                        Timings = timings,
                        Policy = DonorPolicy.CreateDefault(preferred.ToArray()),
                        RandomSeed = (ulong)(uint)parse.GetValue(seed) * 1_000_003UL + (mac0 + (ulong)i),
                        // The manifest leaf of every fragment is a SHA-256: with the CPU's SHA instructions, not the
                        // firmware's portable code, so 20 simulated machines on one host measure the protocol.
                        ManifestHash = new Core.Protocol.Manifest.HostManifestHash(),
                    };
                    foreach (byte[] hash in managerKeys) config.TryAddTrustedManagerKey(hash);
                    var verifier = new ClientImageVerifier(trust is null ? null : new CapsuleVerifier(trust),
                        ClientImageVerifier.TargetFor(type, lowestVersion, parse.GetValue(current)));
                    FaultOptions mine = faultOptions.IsActive ? faultOptions.WithSeed(unchecked(faultOptions.Seed * 7919 + i)) : faultOptions;
                    machines.Add(new SimulatedClient(i, config, bindAddress, groupPort, mine, verifier, outFolder, shared));
                }
            }
            catch (Exception e) when (e is ArgumentException or System.Net.Sockets.SocketException)
            {
                return Fail(e.Message);
            }

            // The firmware's engine is compiled ahead of time: JIT the simulated engine before the clock starts.
            EngineWarmUp.PrepareEngineCode();
            // CPU time of this process over the run (every simulated machine together), next to the wall time:
            // on one host the machines share the sender's cores, and this says how much of them they used.
            using Process self = Process.GetCurrentProcess();
            TimeSpan userBefore = self.UserProcessorTime, kernelBefore = self.PrivilegedProcessorTime;
            var clock = Stopwatch.StartNew();
            TimeSpan perClient = TimeSpan.FromSeconds(parse.GetValue(timeout));
            double staggerSeconds = parse.GetValue(stagger);
            var results = new SimulatedClientReport[count];
            var threads = new List<Thread>();
            if (shared is not null)
            {
                var thread = new Thread(() =>
                {
                    SimulatedClientReport[] all = new SharedSocketDriver(shared, machines).Run(TimeSpan.FromSeconds(staggerSeconds), perClient, clock, cancellationToken);
                    all.CopyTo(results, 0);
                }) { IsBackground = true, Name = "sim-shared" };
                threads.Add(thread);
                thread.Start();
            }
            for (int i = 0; i < count && shared is null; i++)
            {
                int index = i;
                var thread = new Thread(() => results[index] = machines[index].Run(TimeSpan.FromSeconds(staggerSeconds * index), perClient, clock, cancellationToken))
                {
                    IsBackground = true,
                    Name = "sim-client-" + index.ToString(CultureInfo.InvariantCulture),
                };
                threads.Add(thread);
                thread.Start();
            }
            await Task.Run(() => { foreach (var t in threads) t.Join(); }, CancellationToken.None).ConfigureAwait(false);

            int succeeded = 0;
            foreach (var r in results) if (r.Succeeded && r.ResultAcknowledged) succeeded++;
            double wall = clock.Elapsed.TotalSeconds;
            self.Refresh();
            double user = (self.UserProcessorTime - userBefore).TotalSeconds, kernel = (self.PrivilegedProcessorTime - kernelBefore).TotalSeconds;
            double? firstData = null, lastHeld = null;
            bool allHeld = true;
            foreach (var r in results)
            {
                if (r.Phases.FirstData is { } f && (firstData is null || f < firstData)) firstData = f;
                if (r.Phases.AllFragmentsHeld is { } h) { if (lastHeld is null || h > lastHeld) lastHeld = h; }
                else allHeld = false;
            }
            double? transfer = allHeld && firstData is not null && lastHeld is not null ? lastHeld - firstData : null;
            var summary = new SimulationReport(count, succeeded, wall, user + kernel, user, kernel, firstData, allHeld ? lastHeld : null, transfer, results);
            string json = JsonSerializer.Serialize(summary, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
            await ReportTarget.WriteAsync(parse.GetValue(report) ?? ReportTarget.StandardOutput, JsonOutputOption.Requested(parse), json, Console.Out, CancellationToken.None).ConfigureAwait(false);
            foreach (var r in results)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"client {r.ClientId}: {(r.Succeeded ? "recovered" : "FAILED")} ({r.State}) in {r.Seconds:0.00} s, {r.FragmentsHeld}/{r.FragmentCount} fragments, corrupted {r.CorruptedFragments}, forged {r.ForgedFragments}, unauthenticated offers {r.OffersUnauthenticated}, rejected images {r.ImagesRejected}{(r.LastRejection is null ? "" : " (" + r.LastRejection + ")")}"));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{succeeded}/{count} recovered, wall time {summary.WallSeconds:0.000} s, CPU {summary.CpuSeconds:0.000} s (user {user:0.000}, kernel {kernel:0.000}); transfer phase (first DATA .. last machine holding every fragment) {(transfer is { } t ? t.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "n/a")}"));
            return succeeded == count ? ExitCodes.Ok : ExitCodes.Rejected; // 1: a machine did not recover; usage errors are 2
        });
        return command;
    }

    private static bool TryParseModes(string? text, int groupPort, out DeliveryModes modes)
    {
        modes = groupPort == 0 ? DeliveryModes.Unicast : DeliveryModes.All;
        if (string.IsNullOrWhiteSpace(text)) return true;
        modes = DeliveryModes.None;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "broadcast": modes |= DeliveryModes.Broadcast; break;
                case "multicast": modes |= DeliveryModes.Multicast; break;
                case "unicast": modes |= DeliveryModes.Unicast; break;
                default: return false;
            }
        }
        return modes != DeliveryModes.None;
    }

    private static int Fail(string message, int exitCode = ExitCodes.Usage)
    {
        Console.Error.WriteLine("simulate: " + message);
        return exitCode;
    }
}
