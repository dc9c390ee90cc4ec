using Gyre.Core.Api;
using Gyre.Core.Artifacts;
using Gyre.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/experiments</c>: create, read, search, rename, tag, delete, restore, purge.</summary>
internal static class ExperimentsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/experiments").WithTags("Experiments");
        group.MapPost("/", Create);
        group.MapGet("/", Search);
        group.MapGet("/{id}", Get);
        group.MapGet("/by-name/{name}", GetByName);
        group.MapPatch("/{id}", Rename);
        group.MapPut("/{id}/tags/{**key}", SetTag);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/restore", Restore);
    }

    private static async Task<Created<Experiment>> Create(CreateExperimentRequest request, ITrackingStore store, CancellationToken ct)
    {
        var experiment = await store.CreateExperimentAsync(request.Name!, request.Tags ?? [], ct);
        return TypedResults.Created($"/api/v1/experiments/{experiment.ExperimentId}", experiment);
    }

    private static async Task<Ok<Page<Experiment>>> Search(
        ITrackingStore store, CancellationToken ct,
        string? filter = null, [FromQuery(Name = "view_type")] string? viewType = null,
        [FromQuery(Name = "order_by")] string[]? orderBy = null, [FromQuery(Name = "max_results")] string? maxResults = null,
        [FromQuery(Name = "page_token")] string? pageToken = null) =>
        TypedResults.Ok(await store.SearchExperimentsAsync(
            new ExperimentSearch(filter, QueryValues.ViewType(viewType, "view_type"), orderBy, QueryValues.Int(maxResults, "max_results", 1000), pageToken), ct));

    private static async Task<Ok<Experiment>> Get(string id, ITrackingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetExperimentAsync(new ExperimentId(id), ct));

    private static async Task<Ok<Experiment>> GetByName(string name, ITrackingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetExperimentByNameAsync(name, ct));

    private static async Task<Ok<Experiment>> Rename(string id, UpdateExperimentRequest request, ITrackingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.RenameExperimentAsync(new ExperimentId(id), request.Name!, ct));

    private static async Task<NoContent> SetTag(string id, string key, SetTagRequest request, ITrackingStore store, CancellationToken ct)
    {
        await store.SetExperimentTagAsync(new ExperimentId(id), new Tag(key, request.Value!), ct);
        return TypedResults.NoContent();
    }

    /// <summary>Soft delete; with <c>?permanent=true</c> (admin scope), purge a deleted experiment with its runs and artifacts.</summary>
    private static async Task<NoContent> Delete(string id, HttpContext context, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct, string? permanent = null)
    {
        var experimentId = new ExperimentId(id);
        if (!QueryValues.Bool(permanent, "permanent"))
        {
            await store.DeleteExperimentAsync(experimentId, ct);
            return TypedResults.NoContent();
        }
        Scopes.Demand(context, Core.Auth.TokenScope.Admin);
        var experiment = await store.GetExperimentAsync(experimentId, ct);
        await store.PurgeExperimentAsync(experimentId, ct);
        await ArtifactCleanup.DeleteAsync(context, artifacts, RunArtifacts.RootOf(experiment.ArtifactLocation), "experiment", id);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Experiment>> Restore(string id, ITrackingStore store, CancellationToken ct)
    {
        await store.RestoreExperimentAsync(new ExperimentId(id), ct);
        return TypedResults.Ok(await store.GetExperimentAsync(new ExperimentId(id), ct));
    }
}
