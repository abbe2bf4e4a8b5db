using System;
using System.Collections.Concurrent;
using System.IO;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace UefiRecovery.Manager.Serving.Dashboard;

/// <summary>
/// The web dashboard (docs/operating.md, "Reading the dashboard"): GET / is the page, /dashboard/app.js,
/// /dashboard/style.css and /dashboard/favicon.svg its script, style and icon, all embedded in the manager assembly (nothing to build or install on
/// the operator's machine). The page reads GET /events (<see cref="StatusEvents"/>). It sits behind the same access
/// checks as /status. A strict Content-Security-Policy allows only this origin's script, style and event stream, so
/// a name in the status (an image file name, an agent's text) can never run as script.
/// </summary>
public static class DashboardEndpoint
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    {
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/dashboard/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/dashboard/style.css", "style.css", "text/css; charset=utf-8"),
        ("/dashboard/favicon.svg", "favicon.svg", "image/svg+xml"),
    };

    private static readonly ConcurrentDictionary<string, byte[]> Cache = new();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            routes.MapGet(path, (HttpContext context) =>
            {
                byte[] body = Cache.GetOrAdd(resource, Load);
                SetPageHeaders(context.Response);
                context.Response.ContentType = contentType;
                context.Response.ContentLength = body.Length;
                return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
            });
        }
        routes.MapStatusEvents();
        return routes;
    }

    /// <summary>Headers of every dashboard answer: the CSP, no sniffing, no framing, no referrer, no caching of a page that changes with the manager.</summary>
    public static void SetPageHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-cache";
    }

    // Embedded with LogicalName "Dashboard/<file>" (Manager.csproj); a missing one is a build mistake, not a request's.
    private static byte[] Load(string resource)
    {
        using Stream stream = typeof(DashboardEndpoint).Assembly.GetManifestResourceStream("Dashboard/" + resource)
            ?? throw new InvalidOperationException("the dashboard file " + resource + " is not embedded in the manager assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
