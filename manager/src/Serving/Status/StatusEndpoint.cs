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
}
