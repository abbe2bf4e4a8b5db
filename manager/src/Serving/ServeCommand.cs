using System;
using System.CommandLine;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UefiRecovery.Core.Protocol;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Configuration;
using UefiRecovery.Manager.Images;
using UefiRecovery.Manager.Serving.Catalog;
using UefiRecovery.Core.Protocol.Wire;
using UefiRecovery.Manager.Serving.Faults;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving.Membership;
using UefiRecovery.Manager.Serving.Results;
using UefiRecovery.Manager.Serving.Sessions;
using UefiRecovery.Manager.Serving.Status;

namespace UefiRecovery.Manager.Serving;

/// <summary>
/// `serve`: the recovery server. A Generic Host (from the ASP.NET Core shared framework; under systemd a
/// Type=notify service through Microsoft.Extensions.Hosting.Systemd) runs the
/// protocol engine, the catalog watcher, the status view and the 127.0.0.1 status endpoint, and stops
/// them in order on Ctrl+C or SIGTERM.
/// </summary>
public static class ServeCommand
{
    /// <summary>Printed once everything listens; scripts and tests wait for it and read the bound endpoints from it.</summary>
    public const string ReadyLinePrefix = "ready udp=";

    public static Command Build()
    {
        var images = new Option<DirectoryInfo>("--images") { HelpName = "DIR", Description = "Folder of signed capsules to offer (reloaded when it changes).", Required = true };
        var listen = new Option<string>("--listen") { HelpName = "ADDR[:PORT]", Description = "UDP address[:port] to listen on for REQUEST/ACCEPT/STATUS/RESULT.", DefaultValueFactory = _ => "0.0.0.0:" + ProtocolConstants.DonorPort };
        var delivery = new Option<DeliveryMode>("--delivery") { Description = "How DATA reaches clients: broadcast, multicast or unicast.", HelpName = "broadcast|multicast|unicast", DefaultValueFactory = _ => DeliveryMode.Broadcast };
        var destination = new Option<string?>("--destination") { HelpName = "ADDR", Description = "Broadcast address (default 255.255.255.255) or multicast group (default 239.255.40.124) for DATA and STATUS_REQUEST." };
        var clientPort = new Option<int>("--client-port") { HelpName = "PORT", Description = "Port clients listen on in broadcast/multicast sessions.", DefaultValueFactory = _ => ProtocolConstants.ClientPort };
        var rate = new Option<double>("--rate") { HelpName = "MBIT/S", Description = "Pace DATA at this many Mbit/s (0 = unpaced).", DefaultValueFactory = _ => 100 };
        var fragment = new Option<int>("--fragment-size") { HelpName = "BYTES", Description = "Bytes of image per DATA datagram (508..8932). A machine with a smaller max datagram gets the largest of 1432, 1372, 1232, 1000, 508 below it that fits.", DefaultValueFactory = _ => ProtocolLimits.DefaultDatagram - ProtocolConstants.FragmentOverhead };
        var trusted = new Option<string[]>("--trusted") { HelpName = "KEY|CERT", Description = "Trust anchors: PEM RSA key or certificate (RSA2048/SHA256 capsules), certificate PEM/DER (PKCS7 root).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var trustedHash = new Option<string[]>("--trusted-key-hash") { HelpName = "SHA256", Description = "Trusted SHA-256 of an RSA modulus, 64 hex digits (EDK2 PcdRsa2048Sha256PublicKeyBuffer).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var results = new Option<string?>("--results") { HelpName = "FILE|off", Description = "JSON-lines file every RESULT is appended to (flushed per record); 'off' writes none. Default: " + StateDirectory.ResultsFileName + " in the state directory." };
        var stateDir = new Option<string?>("--state-dir") { HelpName = "DIR", Description = "Where the result log and member secret go by default (created 0700). Default: $STATE_DIRECTORY (systemd), else $XDG_STATE_HOME/uefirecovery, else ~/.local/state/uefirecovery." };
        var config = new Option<string?>(ServeSettings.ConfigOptionName) { HelpName = "FILE", Description = "appsettings.json whose \"Serve\" section sets any option (e.g. \"StatusHttp\": \"127.0.0.1:8480\"). Default: $CONFIGURATION_DIRECTORY/appsettings.json, else ./appsettings.json, when present. UEFIRECOVERY_Serve__<Option> environment variables override the file; the command line overrides both." };
        var secretFile = new Option<string?>("--secret-file") { HelpName = "FILE", Description = "File holding the 32-byte secret member tokens and abort keys are derived from (created 0600 at first start). Default: " + DonorSecret.DefaultFileName + " beside the results log; with '--results off' and no --secret-file, a secret in memory that a restart forgets." };
        var signingKey = new Option<string?>("--signing-key") { HelpName = "KEY.pem", Description = "RSA-2048 private key (PEM) to sign every OFFER with; machines configured with uefirecovery.trust.manager take only offers signed by it." };
        var http = new Option<string>("--status-http") { HelpName = "ADDR:PORT|off", Description = "Loopback address:port for GET /status, /healthz and /metrics, 127.0.0.1:PORT or [::1]:PORT (port 0 picks one; 'off' disables).", DefaultValueFactory = _ => "127.0.0.1:8480" };
        var statusHosts = new Option<string[]>("--status-host") { HelpName = "NAME", Description = "More Host names GET /status answers to (besides localhost and loopback addresses), e.g. a name an SSH tunnel or proxy uses.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => Array.Empty<string>() };
        var maxImageSize = ImageLimits.CreateOption("capsule file in --images");
        var timeout = new Option<double>("--client-timeout") { HelpName = "SECONDS", Description = "Seconds of silence after which a client is dropped and recorded as timed out.", DefaultValueFactory = _ => 10 };
        var ttl = new Option<int>("--ttl") { HelpName = "HOPS", Description = "IP TTL of multicast datagrams (1 = this segment only).", DefaultValueFactory = _ => 1 };
        var gather = new Option<double>("--gather") { HelpName = "SECONDS", Description = "Seconds to wait after the first ACCEPT for other machines before the first pass (default: the client's offer window T_offer; longer than " + SessionTimings.MaxGatherSeconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " s makes clients re-send ACCEPTs until they give up and rediscover).", DefaultValueFactory = _ => SessionTimings.DefaultGather.TotalSeconds };
        var faults = new Option<string?>("--faults") { HelpName = "SPEC", Description = "Seeded faults on outgoing datagrams, e.g. drop=0.01,corrupt=0.01,duplicate=0.01,reorder=0.01,seed=7." };
        var name = new Option<string>("--name") { HelpName = "NAME", Description = "Donor name carried in OFFERs.", DefaultValueFactory = _ => Environment.MachineName };
        var priority = new Option<int>("--priority") { HelpName = "0-255", Description = "Donor priority carried in OFFERs (0-255, higher preferred).", DefaultValueFactory = _ => 100 };
        var fec = new Option<bool>("--fec") { HelpName = "true|false", Description = "Offer FEC (docs/protocol.md §5.5): repair passes answer BLOCK COUNTS with parity per block, the worst member's loss instead of the union. Old clients are served as before.", DefaultValueFactory = _ => false };
        var fecProactive = new Option<string>("--fec-proactive") { HelpName = "PERCENT", Description = "With --fec: parity sent in pass 0 after each 64-fragment block, as a share of the block (e.g. 8% = 6 per block), so machines that lost no more than that finish without a repair pass. `plan` says what share a fleet needs. Default 0%.", DefaultValueFactory = _ => "0%" };
        var batchSends = new Option<bool>("--send-batch") { HelpName = "true|false", Description = "Linux: send group DATA in sendmmsg batches of up to 32 (false: one sendto per datagram).", DefaultValueFactory = _ => true };
        var live = new Option<bool?>("--live") { HelpName = "true|false", Description = "Force the live terminal view on (true) or off (false); default: on when stdout is a terminal." };
        var instructionKey = new Option<string?>("--instruction-key") { HelpName = "KEY.pem", Description = "RSA-2048 private key (PEM) that signs instructions made through POST /instructions (as instruct --key); without it the API refuses them." };
        var counterFile = new Option<string?>("--counter-file") { HelpName = "FILE", Description = "The instruction key's counter (default: the key file + .counter, shared with instruct)." };
        var apiToken = new Option<string?>("--api-token-file") { HelpName = "FILE", Description = "File holding the HTTP API token (16+ printable characters). With it --status-http may listen beyond loopback; requests need Authorization: Bearer TOKEN, except GETs from loopback." };
        var instructionTimeouts = new Option<string?>("--instruction-timeouts") { HelpName = "SPEC", Description = "Seconds an instruction may stay in each state, e.g. ack=30,ready=600,receiving=300,written=3600,back=600 (these are the defaults)." };
        var insecure = new Option<bool>("--insecure-serve-unverified") { Description = "TEST ONLY: act as a rogue donor (serve capsules unverified, announced as whatever each machine asks for). Never in production." };

        var command = new Command("serve", "Serve signed images to machines in recovery.\n\nExample:\n  uefirecovery-manager serve --images /srv/recovery/images --listen 10.214.0.1:40123 \\\n      --delivery broadcast --destination 10.214.0.255 --trusted signing-key.pub.pem \\\n      --results /var/log/uefirecovery/results.jsonl --instruction-key instruction-key.pem");
        foreach (Option option in new Option[] { images, listen, delivery, destination, clientPort, rate, fragment, trusted, trustedHash, results, stateDir, config, secretFile, signingKey, http, timeout, gather, ttl, faults, name, priority, live, insecure, batchSends, fec, statusHosts, maxImageSize, instructionKey, counterFile, apiToken, instructionTimeouts, fecProactive })
            command.Options.Add(option);

        command.SetAction(async (parse, cancellationToken) =>
        {
            bool json = JsonOutputOption.Requested(parse);
            if (json && parse.GetValue(live) == true) return Fail("--live true and --json: the live view is for a terminal, --json for a program; choose one");
            if (!EndpointText.TryParse(parse.GetValue(listen), ProtocolConstants.DonorPort, out IPEndPoint listenEndpoint))
                return Fail("--listen must be an IPv4 address[:port]");
            DeliveryMode mode = parse.GetValue(delivery);
            string? destinationText = parse.GetValue(destination);
            IPAddress dataDestination = mode == DeliveryMode.Multicast ? IPAddress.Parse("239.255.40.124") : IPAddress.Broadcast;
            if (destinationText is not null && !IPAddress.TryParse(destinationText, out dataDestination!))
                return Fail("--destination must be an IPv4 address");
            string? token = null;
            if (parse.GetValue(apiToken) is { } tokenPath && !ApiAccess.TryLoadToken(tokenPath, out token, out string tokenError))
                return FailConfiguration(tokenError);
            IPEndPoint? statusEndpoint = null;
            string httpText = parse.GetValue(http)!;
            if (!string.Equals(httpText, "off", StringComparison.OrdinalIgnoreCase))
            {
                if (!EndpointText.TryParseWithIPv6(httpText, 8480, out IPEndPoint parsedHttp))
                    return Fail("--status-http must be address[:port] or 'off'");
                if (!IPAddress.IsLoopback(parsedHttp.Address) && token is null)
                    return Fail("--status-http must be a loopback address[:port] (127.0.0.1:8480, [::1]:8480) or 'off' (the status is not for the network), unless --api-token-file protects it");
                statusEndpoint = parsedHttp;
            }
            if (!InstructionTimeouts.TryParse(parse.GetValue(instructionTimeouts), out InstructionTimeouts stepTimeouts, out string timeoutsError))
                return Fail(timeoutsError);
            if (!FaultOptions.TryParse(parse.GetValue(faults), out FaultOptions faultOptions, out string faultError))
                return Fail(faultError);
            int fragmentSize = parse.GetValue(fragment);
            if (fragmentSize < ProtocolLimits.MinFragmentSize || fragmentSize > ProtocolLimits.MaxFragmentSize)
                return Fail($"--fragment-size must be {ProtocolLimits.MinFragmentSize}..{ProtocolLimits.MaxFragmentSize}");
            double rateMbit = parse.GetValue(rate);
            if (rateMbit < 0) return Fail("--rate must be >= 0");
            double gatherSeconds = parse.GetValue(gather);
            if (gatherSeconds < 0) return Fail("--gather must be >= 0");
            if (gatherSeconds > SessionTimings.MaxGatherSeconds)
                Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"serve: warning: --gather {gatherSeconds} s is longer than {SessionTimings.MaxGatherSeconds:0.##} s; clients with default timings may give up their ACCEPT while the donor gathers and rediscover (they rejoin the same session; docs/protocol.md §7.2.3)"));
            string? resultsText = parse.GetValue(results);
            if (resultsText is null)
            {
                string? state = parse.GetValue(stateDir) ?? StateDirectory.Default(Environment.GetEnvironmentVariable);
                if (state is null)
                    return FailConfiguration("no state directory for the result log: give --state-dir DIR or --results FILE (neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is set)");
                try
                {
                    StateDirectory.Ensure(state);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return FailUnavailable("cannot create the state directory " + state + " (--state-dir): "
                        + (FileInTheWay(Path.GetFullPath(state)) ?? (e is UnauthorizedAccessException ? "permission denied (the manager's user must be able to create it)" : e.Message)));
                }
                resultsText = Path.Combine(state, StateDirectory.ResultsFileName);
            }
            string? resultsPath = string.Equals(resultsText, "off", StringComparison.OrdinalIgnoreCase) ? null : resultsText;
            if (!ImageLimits.TryParse(parse.GetValue(maxImageSize), out long maxImageBytes, out string sizeError))
                return Fail(sizeError);
            string[] hostNames = parse.GetValue(statusHosts)!;
            foreach (string hostName in hostNames)
                if (!StatusHostCheck.IsValidName(hostName)) return Fail("--status-host takes host names without port or scheme: " + hostName);
            int donorPriority = parse.GetValue(priority);
            if (donorPriority is < 0 or > 255) return Fail("--priority must be 0..255");
            if (!ProactiveParity.TryParseShare(parse.GetValue(fecProactive), out double proactive)) return Fail("--fec-proactive must be a percentage 0..100, e.g. 8%");
            if (proactive > 0 && !parse.GetValue(fec)) return Fail("--fec-proactive needs --fec true");

            var options = new ServeOptions
            {
                ImagesFolder = parse.GetValue(images)!.FullName,
                Listen = listenEndpoint,
                Delivery = mode,
                DataDestination = dataDestination,
                ClientPort = parse.GetValue(clientPort),
                RateMbitPerSecond = rateMbit,
                FragmentSize = fragmentSize,
                TrustedKeys = parse.GetValue(trusted)!,
                TrustedKeyHashes = parse.GetValue(trustedHash)!,
                ResultsPath = resultsPath,
                SecretFile = parse.GetValue(secretFile) ?? (resultsPath is null ? null : DonorSecret.DefaultPathBeside(resultsPath)),
                SigningKeyPath = parse.GetValue(signingKey),
                StatusHttp = statusEndpoint,
                StatusHostNames = hostNames,
                MaxImageBytes = maxImageBytes,
                ClientTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Gather = TimeSpan.FromSeconds(gatherSeconds),
                MulticastTtl = Math.Clamp(parse.GetValue(ttl), 1, 255),
                Faults = faultOptions,
                DonorName = parse.GetValue(name)!,
                Priority = donorPriority,
                LiveView = !json && (parse.GetValue(live) ?? !Console.IsOutputRedirected),
                Json = json,
                BatchSends = parse.GetValue(batchSends),
                InsecureServeUnverified = parse.GetValue(insecure),
                Fec = parse.GetValue(fec),
                FecProactive = proactive,
                InstructionKeyPath = parse.GetValue(instructionKey),
                InstructionCounterPath = parse.GetValue(counterFile),
                ApiToken = token,
                InstructionTimeouts = stepTimeouts,
                LogLevel = LogLevelOption.Requested(parse),
            };
            return await RunAsync(options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        // What would leave a "ready" manager that serves nothing is refused before anything listens.
        if (File.Exists(options.ImagesFolder))
            return FailConfiguration("--images " + options.ImagesFolder + " is a file, not a folder of capsules");
        if (!Directory.Exists(options.ImagesFolder))
            return FailConfiguration("--images " + options.ImagesFolder + ": no such folder (create it, or name the folder that holds the capsules)");
        if (!options.InsecureServeUnverified && options.TrustedKeys.Count == 0 && options.TrustedKeyHashes.Count == 0)
            return FailConfiguration("no trust anchor: give --trusted FILE (the capsules' signing key or root certificate) or --trusted-key-hash HEX; without one every capsule is rejected");

        if (TrustStoreLoader.KeyHashProblem(options.TrustedKeyHashes) is { } hashProblem)
            return Fail(hashProblem);
        ICatalogVerifier verifier;
        try
        {
            verifier = options.InsecureServeUnverified
                ? new UnverifiedCapsuleVerifier()
                : CapsuleVerifierFactory.Create(options.TrustedKeys, options.TrustedKeyHashes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return FailConfiguration("cannot load trusted keys: " + e.Message, options, e);
        }

        ResultLog resultLog;
        try
        {
            resultLog = new ResultLog(options.ResultsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FailUnavailable("cannot write the result log " + options.ResultsPath + " (--results): " + WriteProblem(options.ResultsPath!, e), options, e);
        }

        using (resultLog)
        {
            DonorCredentials credentials;
            try
            {
                credentials = LoadCredentials(options);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return FailConfiguration(e.Message, options, e);
            }
            InstructionSigner? signer = null;
            if (options.InstructionKeyPath is not null && !InstructionSigner.TryLoad(options.InstructionKeyPath, options.InstructionCounterPath, out signer, out string keyError))
                return FailConfiguration("--instruction-key " + keyError);
            using (signer)
                return await RunHostAsync(options, verifier, credentials, resultLog, signer, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunHostAsync(ServeOptions options, ICatalogVerifier verifier, DonorCredentials credentials, ResultLog resultLog, InstructionSigner? signer, CancellationToken cancellationToken)
    {
        var startup = new StartupLogGate(options.LogLevel);

        IHost host;
        if (options.StatusHttp is not null)
        {
            var web = WebApplication.CreateSlimBuilder();
            web.WebHost.UseKestrel(kestrel => kestrel.Listen(options.StatusHttp));
            AddServices(web, options, verifier, credentials, resultLog, startup);
            web.Services.AddSingleton(services => new InstructionIssuer(signer, services.GetRequiredService<RecoveryServer>(), services.GetRequiredService<InstructionBook>(),
                services.GetRequiredService<Inventory.MachineInventory>()));
            WebApplication app = web.Build();
            app.UseAccessChecks(new StatusHostCheck(options.StatusHostNames), new ApiAccess(options.ApiToken));
            app.MapStatus();
            Dashboard.DashboardEndpoint.MapDashboard(app);
            app.MapInstructions();
            app.MapHealthAndMetrics();
            host = app;
        }
        else
        {
            // No status endpoint: a plain Generic Host, so no HTTP listener exists at all.
            var plain = Host.CreateApplicationBuilder();
            AddServices(plain, options, verifier, credentials, resultLog, startup);
            host = plain.Build();
        }

        if (options.InsecureServeUnverified)
        {
            Console.Error.WriteLine("WARNING: --insecure-serve-unverified: this manager is a ROGUE DONOR for tests. Capsules are NOT verified");
            Console.Error.WriteLine("WARNING: and are announced as whatever image type and version each machine asks for. Never use it in production.");
            Console.Error.Flush();
        }

        using (host)
        {
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ListenFailedException e)
            {
                return FailUnavailable(e.Message, options, e);
            }
            catch (IOException e) when (options.StatusHttp is not null && FindSocketError(e) is { } socketError)
            {
                // Kestrel's bind failure: an IOException around the socket's own error.
                return FailUnavailable(new ListenFailedException("HTTP", options.StatusHttp, "--status-http", socketError).Message, options, e);
            }
            startup.Started();
            var server = host.Services.GetRequiredService<RecoveryServer>();
            string httpText = "off";
            if (options.StatusHttp is not null)
            {
                var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
                foreach (string address in addresses?.Addresses ?? Array.Empty<string>()) { httpText = address; break; }
            }
            Console.Out.WriteLine(options.Json
                ? System.Text.Json.JsonSerializer.Serialize(new { @event = "ready", udp = server.LocalEndPoint?.ToString(), http = httpText }, JsonDefaults.Web)
                : $"{ReadyLinePrefix}{server.LocalEndPoint} http={httpText}");
            Console.Out.Flush();
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>The member secret (file or memory, docs/protocol.md §7.4) and the optional OFFER signing key.</summary>
    private static DonorCredentials LoadCredentials(ServeOptions options)
    {
        byte[] secret;
        if (options.SecretFile is not null)
        {
            secret = DonorSecret.LoadOrCreate(options.SecretFile, out bool created);
            if (created) Console.Error.WriteLine("serve: created the member secret " + options.SecretFile + " (mode 0600; back it up with the results log, keep it private)");
        }
        else
        {
            secret = DonorSecret.CreateEphemeral();
            Console.Error.WriteLine("serve: warning: no results log and no --secret-file: the member secret lives in memory only, so a restart forgets every membership (RESULTs and STATUS of earlier sessions are then dropped, not recorded)");
        }
        OfferSigner? signer = options.SigningKeyPath is null ? null : OfferSigner.Load(options.SigningKeyPath);
        return new DonorCredentials(new MembershipKeys(secret), options.SecretFile, signer);
    }

    private static void AddServices(IHostApplicationBuilder builder, ServeOptions options, ICatalogVerifier verifier, DonorCredentials credentials, ResultLog resultLog, StartupLogGate startup)
    {
        builder.Logging.ClearProviders();
        // --log-level, else information, or warning while the live view owns the terminal.
        LogLevel minimum = options.LogLevel ?? (options.LiveView ? LogLevel.Warning : LogLevel.Information);
        builder.Logging.SetMinimumLevel(minimum);
        // A rule, not only the minimum: a rule from the framework's own configuration (Logging__LogLevel__Default)
        // would otherwise override the level the operator asked for; the last rule of equal scope wins.
        if (options.LogLevel is not null) builder.Logging.AddFilter((string?)null, minimum);
        if (options.Json)
            builder.Logging.AddJsonConsole(console => { console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; console.UseUtcTimestamp = true; });
        else
            builder.Logging.AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss.fff "; });
        // The framework's own information lines (Kestrel, hosting) only when debugging.
        builder.Logging.AddFilter("Microsoft", LogLevelOption.WantsStackTraces(options.LogLevel) ? minimum : (LogLevel)Math.Max((int)minimum, (int)LogLevel.Warning));
        // The most specific category rule wins, so this one replaces the rule above for the host's own lines.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", level => startup.Allows(level));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(verifier);
        builder.Services.AddSingleton(credentials);
        builder.Services.AddSingleton(services => new ImageCatalog(options.ImagesFolder, services.GetRequiredService<ICatalogVerifier>(), options.MaxImageBytes));
        builder.Services.AddSingleton(resultLog);
        builder.Services.AddSingleton(new InstructionBook(options.InstructionTimeouts));
        builder.Services.AddSingleton(new Inventory.MachineInventory());
        builder.Services.AddSingleton<RecoveryServer>();
        builder.Services.AddSingleton<IStatusSource>(services => services.GetRequiredService<RecoveryServer>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RecoveryServer>());
        if (options.LiveView) builder.Services.AddHostedService<LiveStatusView>();
        else builder.Services.AddHostedService<StatusLogWriter>();
        // Under systemd (Type=notify): READY=1 once the host has started, i.e. after every hosted service above
        // bound its socket and Kestrel listens; STOPPING=1 and a graceful stop on SIGTERM; journal log lines.
        // Anywhere else this adds nothing.
        builder.Services.AddSystemd();
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("serve: " + message);
        return ExitCodes.Usage;
    }

    private static int FailConfiguration(string message, ServeOptions? options = null, Exception? cause = null) =>
        Report(message, ExitCodes.Configuration, options, cause);

    private static int FailUnavailable(string message, ServeOptions? options = null, Exception? cause = null) =>
        Report(message, ExitCodes.Unavailable, options, cause);

    // One line; the exception behind it (stack trace included) only when --log-level debug or trace asks for it.
    private static int Report(string message, int exitCode, ServeOptions? options, Exception? cause)
    {
        Console.Error.WriteLine("serve: " + message);
        if (cause is not null && LogLevelOption.WantsStackTraces(options?.LogLevel)) Console.Error.WriteLine(cause.ToString());
        return exitCode;
    }

    private static System.Net.Sockets.SocketException? FindSocketError(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is System.Net.Sockets.SocketException socket) return socket;
        return null;
    }

    /// <summary>"/x/y is a file, not a folder" when a file stands where a folder above <paramref name="full"/> must be; else null.</summary>
    private static string? FileInTheWay(string full)
    {
        for (string? folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder)) return folder + " is a file, not a folder";
            if (Directory.Exists(folder)) break;
        }
        return null;
    }

    /// <summary>Why a file cannot be opened for appending, in the operator's terms (the exception's text names internals).</summary>
    private static string WriteProblem(string path, Exception e)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return "that is a folder; give a file name";
        if (FileInTheWay(full) is { } inTheWay) return inTheWay;
        return e is UnauthorizedAccessException ? "permission denied (the manager's user must be able to create and append to it)" : e.Message;
    }
}
