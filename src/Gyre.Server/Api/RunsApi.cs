using Gyre.Core.Api;
using Gyre.Core.Artifacts;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/runs</c>: runs, their logging primitive, metric history, dataset inputs and search.</summary>
internal static class RunsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/runs").WithTags("Runs");
        group.MapPost("/", Create);
        group.MapPost("/search", Search).WithMetadata(new RequiredScope(TokenScope.Read));
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/restore", Restore);
        group.MapPost("/{id}/log-batch", LogBatch);
        group.MapGet("/{id}/metrics/{**key}", MetricHistory);
        group.MapPost("/{id}/inputs", LogInputs);
    }

    private static async Task<Created<Run>> Create(CreateRunRequest request, ITrackingStore store, CancellationToken ct)
    {
        var run = await store.CreateRunAsync(
            new NewRun(request.ExperimentId ?? ExperimentId.Default, request.Name, request.ParentRunId, request.StartTime, request.Tags), ct);
        return TypedResults.Created($"/api/v1/runs/{run.RunId}", run);
    }

    private static async Task<Ok<Page<Run>>> Search(SearchRunsRequest request, ITrackingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.SearchRunsAsync(new RunSearch(
            request.ExperimentIds ?? [], request.Filter, request.RunViewType ?? ViewType.ActiveOnly,
            request.OrderBy, request.MaxResults ?? 1000, request.PageToken), ct));

    private static async Task<Ok<Run>> Get(string id, ITrackingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetRunAsync(new RunId(id), ct));

    private static async Task<Ok<Run>> Update(string id, UpdateRunRequest request, ITrackingStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.UpdateRunAsync(new RunId(id), new RunUpdate(request.Status, request.EndTime, request.Name), ct));

    /// <summary>Soft delete; with <c>?permanent=true</c> (admin scope), purge a deleted run and its artifacts.</summary>
    private static async Task<NoContent> Delete(string id, HttpContext context, ITrackingStore store, IArtifactStore artifacts, CancellationToken ct, string? permanent = null)
    {
        var runId = new RunId(id);
        if (!QueryValues.Bool(permanent, "permanent"))
        {
            await store.DeleteRunAsync(runId, ct);
            return TypedResults.NoContent();
        }
        Scopes.Demand(context, TokenScope.Admin);
        var run = await store.GetRunAsync(runId, ct);
        await store.PurgeRunAsync(runId, ct);
        await ArtifactCleanup.DeleteAsync(context, artifacts, RunArtifacts.RootOf(run.ArtifactUri), "run", id);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Run>> Restore(string id, ITrackingStore store, CancellationToken ct)
    {
        await store.RestoreRunAsync(new RunId(id), ct);
        return TypedResults.Ok(await store.GetRunAsync(new RunId(id), ct));
    }

    private static async Task<NoContent> LogBatch(string id, LogBatchRequest request, ITrackingStore store, TimeProvider time, CancellationToken ct)
    {
        var metrics = request.Metrics ?? [];
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var problems = new List<string>();
        var points = new Metric[metrics.Count];
        for (var i = 0; i < metrics.Count; i++)
        {
            var m = metrics[i];
            if (m is null || m.Value is null)
            {
                problems.Add($"metrics[{i}].value: expected a number or one of \"NaN\", \"Infinity\", \"-Infinity\"");
                continue;
            }
            points[i] = new Metric(m.Key!, m.Value.Value, m.Step ?? 0, m.Timestamp ?? now);
        }
        GyreException.ThrowIfAny(problems);
        await store.LogBatchAsync(new RunId(id), new LogBatch(points, request.Params, request.Tags), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MetricHistory>> MetricHistory(
        string id, string key, ITrackingStore store, CancellationToken ct,
        [FromQuery(Name = "max_results")] string? maxResults = null, [FromQuery(Name = "page_token")] string? pageToken = null)
    {
        var page = await store.GetMetricHistoryPageAsync(new RunId(id), key,
            QueryValues.Int(maxResults, "max_results", TrackingStoreExtensions.DefaultHistoryPage), pageToken, ct);
        return TypedResults.Ok(new MetricHistory(key, page.Items, page.NextPageToken));
    }

    private static async Task<NoContent> LogInputs(string id, LogInputsRequest request, ITrackingStore store, CancellationToken ct)
    {
        await store.LogInputsAsync(new RunId(id), request.Datasets ?? [], ct);
        return TypedResults.NoContent();
    }
}
