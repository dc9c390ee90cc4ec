using Gyre.Core.Data;
using Gyre.Core.Data.Validation;
using Gyre.Core.Tracking;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/datasets</c>: content-addressed dataset versions, added by streaming a CSV or Parquet body.</summary>
internal static class DatasetsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/datasets").WithTags("Datasets");
        group.MapGet("/", List);
        group.MapDelete("/{name}", Delete);
        // No Accepts(...) metadata: routing would answer a wrong Content-Type with a bare 415, and ours names the types.
        group.MapPost("/{name}/versions", Add);
        group.MapGet("/{name}/versions", ListVersions);
        group.MapGet("/{name}/versions/{version}", Get);
        group.MapGet("/{name}/versions/{version}/content", Content);
        group.MapGet("/{name}/versions/{version}/profile", Profile);
        group.MapPost("/{name}/versions/{version}/validate", Validate);
        group.MapGet("/{name}/versions/{version}/suggested-suite", Suggest);
        DatasetSchemasApi.Map(group);
        DatasetUploadsApi.Map(group);
        DatasetSplitsApi.Map(group);
        DatasetBiasApi.Map(group);
    }

    /// <summary>Deletes a dataset and its versions, with the contents no other dataset holds.</summary>
    private static async Task<NoContent> Delete(string name, IDatasetStore store, IDatasetObjectStore objects, CancellationToken ct)
    {
        await store.DeleteWithContentsAsync(objects, name, ct);
        return TypedResults.NoContent();
    }

    /// <summary>201 with a new version; 200 with the existing one when the same content was added before.</summary>
    private static async Task<Results<Created<DatasetVersion>, Ok<DatasetVersion>>> Add(
        string name, HttpContext context, DatasetIngest ingest, ServerOptions options, CancellationToken ct,
        string? source = null, [FromQuery(Name = "on_bad_rows")] string? onBadRows = null)
    {
        var format = DatasetFormats.FromMediaType(context.Request.ContentType?.Split(';')[0].Trim());
        var reading = new ReadOptions(QueryValues.BadRowPolicy(onBadRows, "on_bad_rows"));
        BodyLimit.Apply(context, options.MaxDatasetBytes);
        var (version, created) = await ingest.AddAsync(name, context.Request.Body, format, source, options.MaxDatasetBytes, reading, ct);
        return created
            ? TypedResults.Created($"/api/v1/datasets/{Uri.EscapeDataString(name)}/versions/{version.Version}", version)
            : TypedResults.Ok(version);
    }

    private static async Task<Ok<Page<Dataset>>> List(
        IDatasetStore store, CancellationToken ct,
        [FromQuery(Name = "max_results")] string? maxResults = null, [FromQuery(Name = "page_token")] string? pageToken = null) =>
        TypedResults.Ok(await store.ListDatasetsAsync(QueryValues.Int(maxResults, "max_results", 100), pageToken, ct));

    private static async Task<Ok<Page<DatasetVersion>>> ListVersions(
        string name, IDatasetStore store, CancellationToken ct,
        [FromQuery(Name = "max_results")] string? maxResults = null, [FromQuery(Name = "page_token")] string? pageToken = null) =>
        TypedResults.Ok(await store.ListVersionsAsync(name, QueryValues.Int(maxResults, "max_results", 100), pageToken, ct));

    private static async Task<Ok<DatasetVersion>> Get(string name, string version, IDatasetStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetVersionAsync(name, QueryValues.Version(version, allowLatest: true), ct));

    private static async Task<Ok<DatasetProfile>> Profile(string name, string version, IDatasetStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetProfileAsync(name, QueryValues.Version(version, allowLatest: true), ct));

    private static async Task<Ok<ValidationReport>> Validate(string name, string version, ValidationSuite suite, DatasetValidation validation, CancellationToken ct) =>
        TypedResults.Ok(await validation.ValidateAsync(name, QueryValues.Version(version, allowLatest: true), suite, ct));

    private static async Task<Ok<ValidationSuite>> Suggest(string name, string version, IDatasetStore store, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, QueryValues.Version(version, allowLatest: true), ct);
        return TypedResults.Ok(SuiteSuggestion.From(await store.GetProfileAsync(name, found.Version, ct), $"{name}@{found.Version}"));
    }

    private static async Task<FileStreamHttpResult> Content(string name, string version, IDatasetStore store, IDatasetObjectStore objects, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, QueryValues.Version(version, allowLatest: true), ct);
        return TypedResults.Stream(await objects.OpenReadAsync(found.Digest, found.Format, ct), found.Format.MediaType(), $"{name}-v{found.Version}{found.Format.Extension()}");
    }
}
