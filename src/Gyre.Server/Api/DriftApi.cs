using Gyre.Core.Monitoring.Drift;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>POST /api/v1/drift</c>: drift between two dataset versions, column by column, with Evidently's default tests.</summary>
internal static class DriftApi
{
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/v1/drift", Compare).WithTags("Monitoring");

    private static async Task<Ok<DriftReport>> Compare(DriftRequest request, DatasetDrift drift, CancellationToken ct) =>
        TypedResults.Ok(await drift.CompareAsync(request, ct));
}
