using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Lineage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>GET /api/v1/lineage?uri=model:churn/7&amp;direction=upstream</c>: where an artifact came from,
/// or (<c>downstream</c>) what was made from it and which endpoints serve those models.
/// </summary>
internal static class LineageApi
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/lineage", Trace).WithTags("Lineage");

    private static async Task<Ok<LineageGraph>> Trace(string? uri, string? direction, LineageService lineage, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(uri))
        {
            throw GyreException.Invalid("uri: expected an artifact such as model:NAME/VERSION or dataset:NAME@VERSION");
        }
        return TypedResults.Ok(await lineage.TraceAsync(uri, direction ?? LineageService.Upstream, ct));
    }
}
