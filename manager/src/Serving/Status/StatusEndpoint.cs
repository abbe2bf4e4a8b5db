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

    /// <summary>
    /// The gate in front of every path: <see cref="ApiAccess"/> (401/403), then, for a request without the token,
    /// the Host check (421 Misdirected Request, <see cref="StatusHostCheck"/>).
    /// </summary>
    public static WebApplication UseAccessChecks(this WebApplication app, StatusHostCheck check, ApiAccess access)
    {
        app.Use(async (context, next) =>
        {
            ApiVerdict verdict = access.Judge(context.Connection.RemoteIpAddress, context.Request.Method, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null);
            if (verdict == ApiVerdict.Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await Refuse(context, StatusCodes.Status401Unauthorized, "401 Unauthorized: send Authorization: Bearer TOKEN (the token of serve --api-token-file)").ConfigureAwait(false);
                return;
            }
            if (verdict == ApiVerdict.Forbidden)
            {
                await Refuse(context, StatusCodes.Status403Forbidden, "403 Forbidden: wrong token, or not allowed from this address").ConfigureAwait(false);
                return;
            }
            if (verdict == ApiVerdict.Token || check.Allows(context.Request.Headers.Host.ToString()))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            await Refuse(context, StatusCodes.Status421MisdirectedRequest, "421 Misdirected Request: Host not accepted; use http://localhost:PORT/status, a loopback address, or start serve with --status-host NAME").ConfigureAwait(false);
        });
        return app;
    }

    private static System.Threading.Tasks.Task Refuse(HttpContext context, int code, string text)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text + "\n");
    }
}
