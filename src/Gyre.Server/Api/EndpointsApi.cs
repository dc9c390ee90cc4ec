using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Batching;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Tracking;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/endpoints</c>: serving endpoints, and their prediction log.</summary>
internal static class EndpointsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var endpoints = routes.MapGroup("/api/v1/endpoints").WithTags("Endpoints");
        endpoints.MapPost("/", Create);
        endpoints.MapGet("/", List);
        endpoints.MapGet("/{name}", Get);
        endpoints.MapDelete("/{name}", Delete);
        endpoints.MapPut("/{name}/batching", SetBatching);
        endpoints.MapPut("/{name}/features", SetFeatures);
        endpoints.MapGet("/{name}/predictions", Predictions);
        endpoints.MapGet("/{name}/predictions.parquet", Parquet);
        endpoints.MapGet("/{name}/online-metrics", Online);
    }

    private static async Task<Created<EndpointStatus>> Create(CreateEndpointRequest request, EndpointService service, CancellationToken ct)
    {
        var created = await service.CreateAsync(request, ct);
        return TypedResults.Created($"/api/v1/endpoints/{Uri.EscapeDataString(created.Endpoint.Name)}", created);
    }

    private static async Task<Ok<Page<EndpointStatus>>> List(EndpointService service, CancellationToken ct) =>
        TypedResults.Ok(new Page<EndpointStatus>(await service.ListAsync(ct), null));

    private static async Task<Ok<EndpointStatus>> Get(string name, EndpointService service, CancellationToken ct) =>
        TypedResults.Ok(await service.GetAsync(name, ct));

    /// <summary><c>{"max_rows", "max_delay_us"}</c>, or <c>null</c> for each model's default; <c>{"max_rows": 1}</c> turns batching off.</summary>
    private static async Task<Ok<Core.Serving.Endpoints.Endpoint>> SetBatching(string name, HttpContext context, EndpointService service, CancellationToken ct)
    {
        var batching = await OptionalAsync<BatchSettings>(context, ct);
        return TypedResults.Ok(await service.SetBatchingAsync(name, batching, ct));
    }

    /// <summary><c>{"lookup": ["GROUP:FEATURE" or "GROUP:*", ...], "missing": "reject" or "null"}</c>, or <c>null</c> to look nothing up.</summary>
    private static async Task<Ok<Core.Serving.Endpoints.Endpoint>> SetFeatures(string name, HttpContext context, EndpointService service, CancellationToken ct)
    {
        var features = await OptionalAsync<Core.Features.Lookups.FeatureLookup>(context, ct);
        return TypedResults.Ok(await service.SetFeaturesAsync(name, features, ct));
    }

    /// <summary>A JSON body that may be <c>null</c>, or empty (the same); a body of another type is a 415 that names it.</summary>
    private static async Task<T?> OptionalAsync<T>(HttpContext context, CancellationToken ct) where T : class
    {
        if (context.Request.ContentLength == 0 || (context.Request.ContentType is null && context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count == 0))
        {
            return null;
        }
        if (!context.Request.HasJsonContentType())
        {
            throw new GyreException(ErrorCode.UnsupportedMediaType, $"Content-Type: expected application/json, got '{context.Request.ContentType}'");
        }
        return await context.Request.ReadFromJsonAsync<T?>(ct);
    }

    private static async Task<NoContent> Delete(string name, Core.Serving.Rollouts.RolloutController rollouts, CancellationToken ct)
    {
        await rollouts.DeleteEndpointAsync(name, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The logged predictions with their feedback, oldest first: <c>?since=&amp;until=</c> (ms since the epoch), <c>max_results</c>, <c>page_token</c>.</summary>
    private static async Task<Ok<Page<LoggedPrediction>>> Predictions(
        string name, EndpointService service, IPredictionLog log, CancellationToken ct,
        [FromQuery] string? since = null, [FromQuery] string? until = null,
        [FromQuery(Name = "max_results")] string? maxResults = null, [FromQuery(Name = "page_token")] string? pageToken = null)
    {
        await service.GetAsync(name, ct);
        var (items, next) = await log.QueryAsync(name, QueryValues.Long(since, "since", 0), QueryValues.Long(until, "until", long.MaxValue),
            Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", 1000), 10_000), pageToken, ct);
        return TypedResults.Ok(new Page<LoggedPrediction>(items, next));
    }

    /// <summary>Online quality per variant from predictions with feedback since <c>?since=</c> (ms; default: all).</summary>
    private static async Task<Ok<OnlineMetricsResponse>> Online(string name, EndpointService service, IPredictionLog log, CancellationToken ct,
        [FromQuery] string? since = null, [FromQuery(Name = "window_seconds")] string? windowSeconds = null)
    {
        await service.GetAsync(name, ct);
        var from = QueryValues.Long(since, "since", 0);
        var window = QueryValues.Long(windowSeconds, "window_seconds", 0);
        if (windowSeconds is not null && window is < 1 or > 366L * 86400)
        {
            throw Core.Errors.GyreException.Invalid($"window_seconds: expected 1 to {366L * 86400}, got '{windowSeconds}'");
        }
        var rows = await log.LabelledAsync(name, from, ct);
        var windows = window > 0 ? OnlineMetrics.Windows(rows, await log.CountByWindowAsync(name, from, window * 1000, ct), from, window * 1000) : null;
        return TypedResults.Ok(new OnlineMetricsResponse(from, OnlineMetrics.PerVariant(rows), windows));
    }

    internal sealed record OnlineMetricsResponse(long Since, IReadOnlyList<VariantOnlineMetric> Variants, IReadOnlyList<OnlineWindow>? Windows = null);

    /// <summary>The same rows as one Parquet file (readable by DuckDB, pandas, Spark): inputs, outputs and actual as JSON text.</summary>
    private static async Task Parquet(string name, HttpContext context, EndpointService service, IPredictionLog log, ScratchSpace scratch, CancellationToken ct,
        [FromQuery] string? since = null, [FromQuery] string? until = null)
    {
        await service.GetAsync(name, ct);
        var (from, to) = (QueryValues.Long(since, "since", 0), QueryValues.Long(until, "until", long.MaxValue));
        await ParquetDownload.SendAsync(context, scratch, $"{name}-predictions.parquet", path => log.ExportParquetAsync(name, from, to, path, ct), ct);
    }
}
