using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// GET /healthz (<see cref="ServeHealth"/>: 200 or 503 and the reason in one line) and GET /metrics
/// (<see cref="ServeMetrics"/>, Prometheus text), from the same snapshot as GET /status, behind the same access checks.
/// </summary>
public static class HealthAndMetricsEndpoints
{
    public static IEndpointRouteBuilder MapHealthAndMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", (IStatusSource source, ServeOptions options, IHostApplicationLifetime lifetime) =>
        {
            var (healthy, reason) = ServeHealth.Judge(source.Current, lifetime.ApplicationStarted.IsCancellationRequested, lifetime.ApplicationStopping.IsCancellationRequested,
                !options.InsecureServeUnverified && options.TrustedKeys.Count + options.TrustedKeyHashes.Count > 0, options.ImagesFolder);
            return HttpResults.Text(reason + "\n", "text/plain", System.Text.Encoding.UTF8, healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        routes.MapGet("/metrics", (IStatusSource source, IHostApplicationLifetime lifetime) =>
            HttpResults.Text(ServeMetrics.Render(source.Current, Serving(lifetime)), PrometheusText.ContentType));
        return routes;
    }

    private static bool Serving(IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStarted.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested;
}
