using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UefiRecovery.Manager.Instructing;
using UefiRecovery.Manager.Serving.Sessions;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace UefiRecovery.Manager.Serving.Instructions;

/// <summary>
/// The instruction API on serve's HTTP endpoint (docs/operating.md §8.8), behind <see cref="Status.ApiAccess"/>:
/// POST /instructions (JSON: agent, mac, uuid, optional expiresSeconds, imageType, version, ifOlderThan,
/// requireKnownVersion) → 201 (409 when the inventory knows the machine is not older, 412 unknown and required) with the
/// instruction and Location /instructions/0xID; GET /instructions/0xID → its state; GET /instructions → all kept.
/// </summary>
internal static class InstructionApi
{
    /// <summary>A request body longer than this is refused unread (the JSON is a few hundred bytes).</summary>
    public const int MaxBodyBytes = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IEndpointRouteBuilder MapInstructions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/instructions", PostAsync);
        routes.MapGet("/instructions", (InstructionBook book, RecoveryServer server) => HttpResults.Json(book.Snapshot(server.WallTime), Json));
        routes.MapGet("/instructions/{id}", (string id, InstructionBook book, RecoveryServer server) =>
        {
            if (!InstructionText.TryInstructionId(id, out ulong value)) return Error(400, "not an instruction id (16 hex digits, 0x optional)");
            InstructionStatus? found = book.Find(value, server.WallTime);
            return found is null ? Error(404, "no such instruction (never added, or ended and forgotten: the result log has it)") : HttpResults.Json(found, Json);
        });
        return routes;
    }

    private static async Task<IResult> PostAsync(HttpContext context, InstructionIssuer issuer, InstructionBook book, RecoveryServer server)
    {
        // application/json only: a browser cannot send it across origins without a preflight this endpoint never answers.
        if (!context.Request.HasJsonContentType()) return Error(415, "Content-Type must be application/json");
        if (context.Request.ContentLength is > MaxBodyBytes) return Error(413, "body longer than " + MaxBodyBytes + " bytes");
        byte[] body = new byte[MaxBodyBytes + 1];
        int length = 0;
        while (length < body.Length)
        {
            int n = await context.Request.Body.ReadAsync(body.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
            if (n == 0) break;
            length += n;
        }
        if (length > MaxBodyBytes) return Error(413, "body longer than " + MaxBodyBytes + " bytes");
        InstructionRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<InstructionRequest>(body.AsSpan(0, length), Json);
        }
        catch (JsonException e)
        {
            return Error(400, "not the instruction JSON: " + e.Message);
        }
        if (request is null) return Error(400, "empty body: expected {\"agent\":...,\"mac\":...,\"uuid\":...}");
        InstructionIssue issue = issuer.Issue(request);
        if (issue.Instruction is not { } instruction)
            return issue.Machine is { } machine
                ? HttpResults.Json(new { error = issue.Error, knownVersion = machine.FmpVersionHex, source = machine.FmpVersionSource, machine }, Json, statusCode: issue.HttpStatus)
                : Error(issue.HttpStatus, issue.Error!);
        // Read through the book: the engine may already be moving it.
        string location = "/instructions/" + Cli.CliFormat.InstructionId(instruction.Id);
        return book.Find(instruction.Id, server.WallTime) is { } status
            ? new Created(HttpResults.Json(status, Json, statusCode: 201), location)
            : Error(500, "the instruction ended and was forgotten at once (more than " + book.MaxEndedKept + " ended meanwhile): see the result log");
    }

    private static IResult Error(int status, string message) => HttpResults.Json(new { error = message }, Json, statusCode: status);

    // 201 with a Location header around the JSON body.
    private sealed class Created(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
