using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Serving.Instructions;

namespace UefiRecovery.Manager.Instructing;

/// <summary>
/// What `instruct` prints on stdout: one text line per event, or with `--json` one JSON object per line, each with
/// an "event" field (instruction, written, report, no-report; with --via the instruction's status as GET
/// /instructions/ID returns it, then skipped, not-sent or timeout). Errors are not events: they go to stderr.
/// </summary>
internal sealed class InstructOutput
{
    private readonly TextWriter _stdout;
    private readonly bool _json;

    public InstructOutput(TextWriter stdout, bool json)
    {
        _stdout = stdout;
        _json = json;
    }

    public void Instruction(string id, ulong counter, string to, string mac, DateTimeOffset expires, string keySha256)
    {
        string expiresText = expires.ToString("u", CultureInfo.InvariantCulture);
        Write(new { @event = "instruction", id, counter, to, mac, expires = expiresText, keySha256 },
            "instruction id=" + id + " counter=" + counter + " to=" + to + " mac=" + mac + " expires=" + expiresText + " key-sha256=" + keySha256);
    }

    public void Written(int bytes, string path, ulong counter) =>
        Write(new { @event = "written", bytes, path, sent = false },
            "written " + bytes + " bytes to " + path + " (not sent; the counter " + counter + " is used up)");

    public void Report(string from, string state, string? failure, string bootEntry, string firmware, int sends) =>
        Write(new { @event = "report", from, state, failure, bootEntry, firmware, sends },
            "report from=" + from + " state=" + state + (failure is null ? "" : " failure=" + failure) + " boot-entry=" + bootEntry
            + " firmware=\"" + firmware + "\" sends=" + sends);

    public void NoReport(int timeoutSeconds, int sends) =>
        Write(new { @event = "no-report", timeoutSeconds, sends },
            "no report from the agent within " + timeoutSeconds + " s after " + sends + " sends: the agent is not running or not reachable,"
            + " or it refused the instruction (another key, MAC or UUID, its clock past the expiry, a replay); its log says which");

    /// <summary>--via: serve's targeting decided not to send (skipped: not older; not-sent: version unknown).</summary>
    public void NotSent(bool skipped, string reason) =>
        Write(new { @event = skipped ? "skipped" : "not-sent", reason }, (skipped ? "skipped: " : "not sent: ") + reason);

    /// <summary>--via: the instruction as serve first answered it.</summary>
    public void Accepted(InstructionStatus status, Uri serve, string at)
    {
        if (_json) return; // the status line that follows carries all of it
        _stdout.WriteLine("instruction id=" + status.InstructionIdHex + " counter=" + status.Counter + " to=" + status.Agent + " mac=" + status.Mac
            + " uuid=" + status.Uuid + " via=" + serve + " at=" + at);
        if (status.VersionCheck is not null) _stdout.WriteLine("if-older-than=" + status.IfOlderThanHex + ": " + status.VersionCheck);
    }

    /// <summary>--via: a state serve reported (text: the line of <paramref name="text"/>; JSON: serve's own document).</summary>
    public void State(InstructionStatus status, string text)
    {
        if (_json)
        {
            using JsonDocument document = JsonSerializer.SerializeToDocument(status, JsonDefaults.Web);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("event", "state");
                foreach (JsonProperty property in document.RootElement.EnumerateObject()) property.WriteTo(writer);
                writer.WriteEndObject();
            }
            _stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            _stdout.WriteLine(text);
        }
        _stdout.Flush();
    }

    public void StillUnderWay(string state, int timeoutSeconds, Uri location) =>
        Write(new { @event = "timeout", state, timeoutSeconds, location = location.ToString() },
            "still " + state + " after " + timeoutSeconds + " s; serve keeps following it (GET " + location + ")");

    private void Write(object json, string text)
    {
        _stdout.WriteLine(_json ? JsonSerializer.Serialize(json, JsonDefaults.Web) : text);
        _stdout.Flush();
    }
}
