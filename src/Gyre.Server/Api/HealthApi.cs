using Gyre.Core.Api;
using Gyre.Core.Tracking;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (the metadata store answers too, and the server is not draining).</summary>
internal static class HealthApi
{
    public static readonly string Version = typeof(HealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new Health("ok", Version))).WithMetadata(new Anonymous()).WithTags("Health");
        routes.MapGet("/readyz", Ready).WithMetadata(new Anonymous()).WithTags("Health");
    }

    private static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> Ready(ITrackingStore store, Hosting.Readiness readiness, CancellationToken ct)
    {
        if (readiness.Draining)
        {
            return TypedResults.Json(new Health("draining", Version), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        try
        {
            await store.GetExperimentAsync(ExperimentId.Default, ct);
            return TypedResults.Ok(new Health("ready", Version));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TypedResults.Json(new Health("unavailable", Version), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
