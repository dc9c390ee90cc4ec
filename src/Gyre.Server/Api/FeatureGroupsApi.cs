using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Tracking;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/feature-groups</c>: feature groups over dataset versions, their rows appended by
/// streaming a CSV or Parquet body; and <c>/api/v1/training-sets</c>, point-in-time joins of entity
/// rows with the groups' values.
/// </summary>
internal static class FeatureGroupsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/feature-groups").WithTags("Features");
        group.MapPost("/", Create);
        group.MapGet("/", List);
        group.MapGet("/{name}", Get);
        group.MapDelete("/{name}", Delete);
        // No Accepts(...) metadata: routing would answer a wrong Content-Type with a bare 415, and ours names the types.
        group.MapPost("/{name}/rows", Ingest);
        routes.MapPost("/api/v1/training-sets", Build).WithTags("Features");
    }

    private static async Task<Created<FeatureGroup>> Create(NewFeatureGroup request, FeatureGroups groups, CancellationToken ct)
    {
        var created = await groups.CreateAsync(request, ct);
        return TypedResults.Created($"/api/v1/feature-groups/{Uri.EscapeDataString(created.Name)}", created);
    }

    private static async Task<Ok<Page<FeatureGroup>>> List(FeatureGroups groups, CancellationToken ct) =>
        TypedResults.Ok(new Page<FeatureGroup>(await groups.ListAsync(ct), null));

    private static async Task<Ok<FeatureGroup>> Get(string name, FeatureGroups groups, CancellationToken ct) =>
        TypedResults.Ok(await groups.GetAsync(name, ct));

    private static async Task<NoContent> Delete(string name, FeatureGroups groups, CancellationToken ct)
    {
        await groups.DeleteAsync(name, ct);
        return TypedResults.NoContent();
    }

    /// <summary>201 with the group and its new part; 200 when the same file was ingested before (nothing added).</summary>
    private static async Task<Results<Created<FeatureIngest>, Ok<FeatureIngest>>> Ingest(
        string name, HttpContext context, FeatureGroups groups, ServerOptions options, CancellationToken ct)
    {
        var format = DatasetFormats.FromMediaType(context.Request.ContentType?.Split(';')[0].Trim());
        BodyLimit.Apply(context, options.MaxDatasetBytes);
        var (group, part, added) = await groups.IngestAsync(name, context.Request.Body, format, options.MaxDatasetBytes, ct);
        var result = new FeatureIngest(group, part);
        return added ? TypedResults.Created($"/api/v1/feature-groups/{Uri.EscapeDataString(name)}", result) : TypedResults.Ok(result);
    }

    private static async Task<Created<TrainingSet>> Build(TrainingSetRequest request, TrainingSets sets, CancellationToken ct)
    {
        var set = await sets.BuildAsync(request, ct);
        return TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(set.Version.Name)}/versions/{set.Version.Version}", set);
    }
}
