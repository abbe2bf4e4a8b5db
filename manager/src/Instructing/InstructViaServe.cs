using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using UefiRecovery.Manager.Serving.Instructions;
using UefiRecovery.Manager.Serving.Status;

namespace UefiRecovery.Manager.Instructing;

/// <summary>
/// `instruct --via URL`: a running `serve` signs and sends the instruction (POST /instructions) and follows its
/// life; this polls GET /instructions/ID and prints every state it sees (docs/operating.md §8.8). Exit 0 done,
/// 1 failed, 5 not ended within --timeout, 2 refused as bad input, 6 serve unreachable or unable, 7 skipped (serve's
/// inventory knows the machine is not older than --if-older-than), 8 not sent (version unknown, --require-known-version).
/// </summary>
internal static class InstructViaServe
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static int Run(InstructOutput output, TextWriter stderr, Uri serve, string? tokenFile, System.Net.IPEndPoint agent, string mac, string uuid,
        int expiresSeconds, string? imageType, string? version, int timeoutSeconds, string? ifOlderThan = null, bool requireKnownVersion = false)
    {
        string? token = null;
        if (tokenFile is not null && !ApiAccess.TryLoadToken(tokenFile, out token, out string tokenError))
        {
            stderr.WriteLine("instruct: " + tokenError);
            return ExitCodes.Configuration;
        }
        using var http = new HttpClient { BaseAddress = serve, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var request = new InstructionRequest(agent.ToString(), mac, uuid, expiresSeconds, imageType, version,
            ifOlderThan, ifOlderThan is null ? null : requireKnownVersion);
        InstructionStatus? status;
        Uri location;
        try
        {
            using var body = new StringContent(JsonSerializer.Serialize(request, Json), Encoding.UTF8, "application/json");
            using HttpResponseMessage response = http.PostAsync("instructions", body).GetAwaiter().GetResult();
            string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed && ifOlderThan is not null)
            {
                // Not an error: the targeting decided. One line a script can grep, the reason as serve gave it.
                output.NotSent(response.StatusCode == HttpStatusCode.Conflict, ErrorOf(text));
                return response.StatusCode == HttpStatusCode.Conflict ? InstructCommand.Skipped : InstructCommand.VersionUnknown;
            }
            if (response.StatusCode != HttpStatusCode.Created)
            {
                stderr.WriteLine("instruct: serve refused the instruction: " + (int)response.StatusCode + " " + ErrorOf(text));
                return (int)response.StatusCode is 400 or 401 or 403 or 413 or 415 ? ExitCodes.Usage : ExitCodes.Unavailable;
            }
            status = JsonSerializer.Deserialize<InstructionStatus>(text, Json);
            location = response.Headers.Location is { } l ? new Uri(serve, l) : new Uri(serve, "instructions/" + status!.InstructionIdHex);
        }
        catch (Exception e) when (e is HttpRequestException or System.Threading.Tasks.TaskCanceledException or JsonException)
        {
            stderr.WriteLine("instruct: --via " + serve + ": " + e.Message);
            return ExitCodes.Unavailable;
        }
        if (status is null)
        {
            stderr.WriteLine("instruct: serve answered 201 without the instruction");
            return ExitCodes.Unavailable;
        }
        output.Accepted(status, serve, location.AbsolutePath);
        string? shown = null;
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            if (status.State != shown)
            {
                output.State(status, Describe(status));
                shown = status.State;
            }
            if (status.Ended) return status.State == "done" ? ExitCodes.Ok : ExitCodes.Rejected;
            if (DateTime.UtcNow >= deadline)
            {
                output.StillUnderWay(status.State, timeoutSeconds, location);
                return InstructCommand.NoReport;
            }
            Thread.Sleep(PollInterval);
            try
            {
                using HttpResponseMessage response = http.GetAsync(location).GetAwaiter().GetResult();
                string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    stderr.WriteLine("instruct: serve no longer knows the instruction (restarted?): " + ErrorOf(text));
                    return ExitCodes.Unavailable;
                }
                if (response.IsSuccessStatusCode) status = JsonSerializer.Deserialize<InstructionStatus>(text, Json) ?? status;
            }
            catch (Exception e) when (e is HttpRequestException or System.Threading.Tasks.TaskCanceledException or JsonException)
            {
                // serve busy or restarting: keep asking until the deadline.
                stderr.WriteLine("instruct: GET " + location + ": " + e.Message);
            }
        }
    }

    private static string Describe(InstructionStatus s)
    {
        var line = new StringBuilder("state=" + s.State + " since=" + s.Since.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        if (s.FailedIn is not null) line.Append(" failed-in=" + s.FailedIn + " failure=\"" + s.Failure + "\"");
        if (s.State == "acknowledged" && s.BootEntry is not null) line.Append(" boot-entry=" + s.BootEntry);
        if (s.State == "acknowledged" && s.FirmwareBefore is not null) line.Append(" firmware=\"" + s.FirmwareBefore + "\"");
        if (s.State == "ready" && s.ReadyVersionHex is not null) line.Append(" version=" + s.ReadyVersionHex);
        if (s.State == "written" && s.ResultVersionHex is not null) line.Append(" version=" + s.ResultVersionHex);
        if (s.State == "done") line.Append(" firmware=\"" + s.FirmwareVersion + "\"");
        return line.ToString();
    }

    private static string ErrorOf(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out JsonElement error)) return error.GetString() ?? body;
        }
        catch (JsonException)
        {
        }
        return body.Trim();
    }
}
