using System;
using System.CommandLine;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;

namespace UefiRecovery.Manager.Hostile;

/// <summary>
/// `uefirecovery-hostile`: replays the flood attacks of the manager's tests against any manager, e.g.
/// <c>dotnet uefirecovery-hostile.dll --target 127.0.0.1:40123 --attack mix --count 1000000 --sources 64 --status http://127.0.0.1:8480/status</c>.
/// For testing managers you run yourself.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var target = new Option<string>("--target") { Description = "The manager's UDP address:port.", Required = true };
        var attack = new Option<AttackKind>("--attack") { Description = "forged-results, request-flood, malformed, garbage, random-sessions, mix, or session-flood (ACCEPTs every OFFER: sessions streaming to the attacker).", DefaultValueFactory = _ => AttackKind.Mix };
        attack.CustomParser = r => Enum.TryParse(r.Tokens[0].Value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out AttackKind k) ? k : Fail(r, "unknown attack " + r.Tokens[0].Value);
        var count = new Option<long>("--count") { Description = "Datagrams to send.", DefaultValueFactory = _ => 1_000_000 };
        var seconds = new Option<double>("--seconds") { Description = "Hard time cap.", DefaultValueFactory = _ => 120 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random stream (the same seed sends the same datagrams).", DefaultValueFactory = _ => 1 };
        var sources = new Option<int>("--sources") { Description = "Loopback targets only: send from this many addresses 127.0.1.1, 127.0.1.2, ...", DefaultValueFactory = _ => 1 };
        var source = new Option<string[]>("--source") { Description = "Local source addresses to send from (round robin); default: any.", AllowMultipleArgumentsPerToken = true };
        var imageType = new Option<string>("--image-type") { Description = "Image type GUID the REQUEST flood asks for.", DefaultValueFactory = _ => "6e3c1a1b-3f4d-4f0e-9c64-2a5d8b1f7e10" };
        var status = new Option<string?>("--status") { Description = "The manager's GET /status URL: pace by what it has handled (traffic.datagramsReceived)." };

        var root = new RootCommand("Floods a recovery manager with hostile datagrams (test tool, not part of the product).");
        foreach (Option option in new Option[] { target, attack, count, seconds, seed, sources, source, imageType, status }) root.Options.Add(option);
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPEndPoint.TryParse(parse.GetValue(target)!, out IPEndPoint? endpoint) || endpoint.Port == 0)
            {
                Console.Error.WriteLine("--target must be address:port");
                return 2;
            }
            if (!Guid.TryParse(parse.GetValue(imageType), out Guid type))
            {
                Console.Error.WriteLine("--image-type must be a GUID");
                return 2;
            }
            var from = new List<IPAddress>();
            foreach (string text in parse.GetValue(source) ?? Array.Empty<string>())
            {
                if (!IPAddress.TryParse(text, out IPAddress? address)) { Console.Error.WriteLine("--source is not an address: " + text); return 2; }
                from.Add(address);
            }
            if (from.Count == 0)
                from.AddRange(IPAddress.IsLoopback(endpoint.Address) ? FloodSender.LoopbackSources(Math.Max(1, parse.GetValue(sources))) : new[] { IPAddress.Any });

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            string? statusUrl = parse.GetValue(status);
            Func<Task<long>>? handled = statusUrl is null ? null : async () =>
            {
                using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync(statusUrl, cancellationToken).ConfigureAwait(false));
                return doc.RootElement.GetProperty("traffic").GetProperty("datagramsReceived").GetInt64();
            };
            var plan = new FloodPlan(endpoint, from, parse.GetValue(count), TimeSpan.FromSeconds(parse.GetValue(seconds)));
            var datagrams = new AttackDatagrams(parse.GetValue(attack), parse.GetValue(seed), type);
            FloodReport report = await FloodSender.RunAsync(plan, datagrams, handled, Console.Out.WriteLine, cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sent {report.Sent} datagrams ({report.SendFailures} refused by the kernel) from {from.Count} sources in {report.Elapsed.TotalSeconds:0.0} s; handled by the target: {(report.Handled < 0 ? "unknown (no --status)" : report.Handled.ToString(CultureInfo.InvariantCulture))}"));
            return 0;
        });
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }

    private static AttackKind Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return AttackKind.Mix;
    }
}
