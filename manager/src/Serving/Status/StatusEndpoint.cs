using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>GET /status: the same snapshot as the terminal view, as JSON (camelCase), for scripts and dashboards.</summary>
public static class StatusEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/status", (IStatusSource source) => HttpResults.Json(source.Current, Json));
        routes.MapGet("/", () => HttpResults.Redirect("/status"));
        return routes;
    }

    /// <summary>Answers every request whose Host does not name this host with 421 Misdirected Request (<see cref="StatusHostCheck"/>).</summary>
    public static WebApplication UseStatusHostCheck(this WebApplication app, StatusHostCheck check)
    {
        app.Use(async (context, next) =>
        {
            if (check.Allows(context.Request.Headers.Host.ToString()))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("421 Misdirected Request: Host not accepted; use http://localhost:PORT/status, a loopback address, or start serve with --status-host NAME\n").ConfigureAwait(false);
        });
        return app;
    }
}
