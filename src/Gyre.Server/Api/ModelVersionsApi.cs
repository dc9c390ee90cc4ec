using Gyre.Core.Api;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Models;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/models/{name}/versions</c> and <c>/aliases</c>: versions, their tags and lineage, and aliases.</summary>
internal static class ModelVersionsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var versions = routes.MapGroup("/api/v1/models/{name}/versions").WithTags("Model versions");
        versions.MapPost("/", Create);
        versions.MapGet("/", List);
        versions.MapGet("/{version}", Get);
        versions.MapPatch("/{version}", Update);
        versions.MapDelete("/{version}", Delete);
        versions.MapPut("/{version}/tags/{**key}", SetTag);
        versions.MapDelete("/{version}/tags/{**key}", DeleteTag);
        versions.MapGet("/{version}/lineage", Lineage);
        versions.MapGet("/{version}/package", Package);
        versions.MapGet("/{version}/package.zip", PackageArchive);
        versions.MapPost("/{version}/gate", Gate);

        var aliases = routes.MapGroup("/api/v1/models/{name}/aliases").WithTags("Model aliases");
        aliases.MapPut("/{alias}", SetAlias);
        aliases.MapGet("/{alias}", GetAlias);
        aliases.MapDelete("/{alias}", DeleteAlias);
    }

    /// <summary>
    /// A version from a run's artifact (a JSON body); from a package archive (<c>application/zip</c>:
    /// <c>gyre-model.json</c> and the model file); or imported from an ONNX file sent as the body
    /// (<c>Content-Type: application/onnx</c> or <c>application/octet-stream</c>), with the import
    /// options in the query: <c>task</c>, <c>feature_input</c>, <c>feature_columns</c> (comma-separated),
    /// <c>output</c>, <c>output_meaning</c>, <c>classes</c> (comma-separated).
    /// </summary>
    private static async Task<Created<ModelVersion>> Create(
        string name, HttpContext context, ModelVersionRegistration registration, ModelImport import, ServerOptions options, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        ModelVersion version;
        if (mediaType is "application/onnx" or "application/octet-stream")
        {
            BodyLimit.Apply(context, options.MaxArtifactBytes);
            var query = context.Request.Query;
            var importOptions = new ImportOptions(query["task"], query["feature_input"], CommaList(query["feature_columns"]), query["output"],
                query["output_meaning"], CommaList(query["classes"]));
            (version, _) = await import.ImportAsync(name, context.Request.Body, importOptions, options.MaxArtifactBytes, ct);
        }
        else if (mediaType is Core.Models.PackageArchive.MediaType)
        {
            BodyLimit.Apply(context, options.MaxArtifactBytes);
            (version, _) = await import.UploadAsync(name, context.Request.Body, options.MaxArtifactBytes, ct);
        }
        else if (mediaType is "application/json")
        {
            BodyLimit.Apply(context, options.MaxJsonBodyBytes);
            var request = await context.Request.ReadFromJsonAsync<CreateModelVersionRequest>(GyreJson.Options, ct)
                ?? throw GyreException.Invalid("body: expected {run_id, artifact_path}");
            version = await Register(name, request, registration, ct);
        }
        else
        {
            throw new GyreException(ErrorCode.UnsupportedMediaType,
                $"Content-Type: expected application/json (a run's artifact), application/zip (a package) or application/onnx (a model file to import), got '{mediaType}'");
        }
        return TypedResults.Created($"/api/v1/models/{Uri.EscapeDataString(name)}/versions/{version.Version}", version);
    }

    private static List<string>? CommaList(string? commaSeparated) =>
        commaSeparated is null ? null : [.. commaSeparated.Split(',', StringSplitOptions.TrimEntries)];

    /// <summary>Runs the champion/challenger gate and stores its verdict with the version.</summary>
    private static async Task<Ok<Core.Learning.Gate.GateVerdict>> Gate(
        string name, string version, Core.Learning.Gate.GateRequest request, Core.Learning.Gate.ModelGate gate, CancellationToken ct) =>
        TypedResults.Ok(await gate.EvaluateAsync(name, QueryValues.Version(version), request, ct));

    private static async Task<Ok<ModelPackage>> Package(string name, string version, ModelImport import, CancellationToken ct) =>
        TypedResults.Ok(await import.GetPackageAsync(name, QueryValues.Version(version), ct));

    /// <summary>The version's package as one zip archive, which <c>POST .../versions</c> accepts on any Gyre server.</summary>
    private static async Task PackageArchive(string name, string version, HttpContext context, ModelImport import, CancellationToken ct)
    {
        var number = QueryValues.Version(version);
        context.Response.ContentType = Core.Models.PackageArchive.MediaType;
        context.Response.Headers.ContentDisposition = HeaderValues.Attachment($"{name}-{number}.zip");
        await using var archive = await import.ExportAsync(name, number, ct);
        context.Response.ContentLength = archive.Length;
        await archive.CopyToAsync(context.Response.Body, ct);
    }

    private static async Task<ModelVersion> Register(string name, CreateModelVersionRequest request, ModelVersionRegistration registration, CancellationToken ct)
    {
        if (request.RunId is not { } runId)
        {
            throw GyreException.Invalid("run_id: expected the id of the run whose artifact becomes this version");
        }
        return await registration.RegisterAsync(name, new NewModelVersion(runId, request.ArtifactPath!, request.Description, request.Tags), ct);
    }

    private static async Task<Ok<Page<ModelVersion>>> List(
        string name, IRegistryStore registry, CancellationToken ct,
        [FromQuery(Name = "max_results")] string? maxResults = null, [FromQuery(Name = "page_token")] string? pageToken = null) =>
        TypedResults.Ok(await registry.ListVersionsAsync(name, QueryValues.Int(maxResults, "max_results", 100), pageToken, ct));

    private static async Task<Ok<ModelVersion>> Get(string name, string version, IRegistryStore registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.GetVersionAsync(name, QueryValues.Version(version), ct));

    private static async Task<Ok<ModelVersion>> Update(string name, string version, UpdateModelVersionRequest request, IRegistryStore registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.UpdateVersionAsync(name, QueryValues.Version(version), request.Description, ct));

    /// <summary>Deletes a version; conflict while an endpoint serves it (a restart would find nothing to load).</summary>
    private static async Task<NoContent> Delete(string name, string version, IRegistryStore registry, Core.Serving.Endpoints.IEndpointStore endpoints, CancellationToken ct)
    {
        var number = QueryValues.Version(version);
        var serving = (await endpoints.ListEndpointsAsync(ct)).Where(e => e.Variants.Any(v => v.ModelName == name && v.ModelVersion == number)).Select(e => e.Name).ToList();
        if (serving.Count > 0)
        {
            throw GyreException.Conflict($"model '{name}' version {number} is served by endpoint {string.Join(", ", serving.Select(e => $"'{e}'"))}; roll it out of them first");
        }
        await registry.DeleteVersionAsync(name, number, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SetTag(string name, string version, string key, SetTagRequest request, IRegistryStore registry, CancellationToken ct)
    {
        await registry.SetVersionTagAsync(name, QueryValues.Version(version), new Tag(key, request.Value!), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteTag(string name, string version, string key, IRegistryStore registry, CancellationToken ct)
    {
        await registry.DeleteVersionTagAsync(name, QueryValues.Version(version), key, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ModelLineage>> Lineage(string name, string version, ModelVersionRegistration registration, CancellationToken ct) =>
        TypedResults.Ok(await registration.LineageAsync(name, QueryValues.Version(version), ct));

    private static async Task<Ok<ModelVersion>> SetAlias(string name, string alias, SetAliasRequest request, IRegistryStore registry, CancellationToken ct)
    {
        if (request.Version is not { } version)
        {
            throw GyreException.Invalid("version: expected the version number the alias points at");
        }
        await registry.SetAliasAsync(name, alias, version, ct);
        return TypedResults.Ok(await registry.GetVersionAsync(name, version, ct));
    }

    private static async Task<Ok<ModelVersion>> GetAlias(string name, string alias, IRegistryStore registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.GetVersionByAliasAsync(name, alias, ct));

    private static async Task<NoContent> DeleteAlias(string name, string alias, IRegistryStore registry, CancellationToken ct)
    {
        await registry.DeleteAliasAsync(name, alias, ct);
        return TypedResults.NoContent();
    }
}
