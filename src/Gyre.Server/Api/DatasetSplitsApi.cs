using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Splits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>.../versions/{version}/splits</c>: recorded, reproducible train/test splits of a version;
/// <c>.../versions/{version}/reference</c>: its reference statistics for drift, computed once.
/// </summary>
internal static class DatasetSplitsApi
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/{name}/versions/{version}/splits", Split);
        group.MapGet("/{name}/versions/{version}/splits", List);
        group.MapGet("/{name}/versions/{version}/reference", Reference);
    }

    /// <summary>201 with a new split; 200 with the one recorded before for the same content and spec.</summary>
    private static async Task<Results<Created<DatasetSplit>, Ok<DatasetSplit>>> Split(
        string name, string version, SplitSpec spec, DatasetSplitting splitting, CancellationToken ct)
    {
        var (split, created) = await splitting.SplitAsync(name, QueryValues.Version(version, allowLatest: true), spec, ct);
        return created
            ? TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(name)}/versions/{split.Version}/splits", split)
            : TypedResults.Ok(split);
    }

    private static async Task<Ok<IReadOnlyList<DatasetSplit>>> List(string name, string version, DatasetSplitting splitting, CancellationToken ct) =>
        TypedResults.Ok(await splitting.ListAsync(name, QueryValues.Version(version, allowLatest: true), ct));

    private static async Task<Ok<ReferenceStatistics>> Reference(string name, string version, DatasetReferences references, CancellationToken ct) =>
        TypedResults.Ok(await references.GetOrComputeAsync(name, QueryValues.Version(version, allowLatest: true), ct));
}
