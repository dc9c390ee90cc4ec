using System.Globalization;
using Gyre.Core.Api;
using Gyre.Core.Coordination;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Tracking;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (the replica can do its job, and is not
/// draining). A replica with the api or worker role needs the metadata database; a gateway-only
/// replica serves from its routing table without it, so it stays ready while the database is away
/// and says in <c>details.routing</c> since when its table is unchecked. The answer is anonymous, so
/// it names no host or error text.
/// </summary>
internal static class HealthApi
{
    public static readonly string Version = typeof(HealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => TypedResults.Ok(new Health("ok", Version))).WithMetadata(new Anonymous()).WithTags("Health");
        routes.MapGet("/readyz", Ready).WithMetadata(new Anonymous()).WithTags("Health");
    }

    private static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> Ready(ITrackingStore store, Hosting.Readiness readiness, ReplicaOptions replica,
        RoutingWatcher routing, CancellationToken ct)
    {
        var roles = ReplicaRoleNames.Format(replica.Roles);
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (routing.State is { Stale: true } stale)
        {
            details["routing"] = $"serving the routing table of version {stale.Version}, unchecked since {stale.StaleSince!.Value.ToString("o", CultureInfo.InvariantCulture)} (the database cannot be read)";
        }
        if (readiness.Draining)
        {
            return TypedResults.Json(new Health("draining", Version, roles, Details(details)), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        try
        {
            await store.GetExperimentAsync(ExperimentId.Default, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anonymous callers learn that much, not where the database is or what it said.
            details["database"] = "the metadata database cannot be reached";
            if (replica.Roles != ReplicaRoles.Gateway)
            {
                return TypedResults.Json(new Health("unavailable", Version, roles, details), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }
        return TypedResults.Ok(new Health("ready", Version, roles, Details(details)));
    }

    private static Dictionary<string, string>? Details(Dictionary<string, string> details) => details.Count > 0 ? details : null;
}
