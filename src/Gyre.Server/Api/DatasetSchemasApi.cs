using System.Text;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Server.Hosting;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/datasets/{name}/schema</c>: the declared schema, as YAML (<c>application/yaml</c>) or
/// JSON; and <c>.../versions/{version}/schema-check</c>, which compares a stored version with it again.
/// </summary>
internal static class DatasetSchemasApi
{
    private static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    public static void Map(RouteGroupBuilder group)
    {
        group.MapPut("/{name}/schema", Set);
        group.MapGet("/{name}/schema", Get);
        group.MapDelete("/{name}/schema", Delete);
        group.MapPost("/{name}/versions/{version}/schema-check", Check);
    }

    private static async Task<Ok<DatasetSchema>> Set(string name, HttpContext context, DatasetSchemas schemas, ServerOptions options, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var yaml = YamlTypes.Contains(mediaType);
        if (!yaml && mediaType != "application/json")
        {
            throw new GyreException(ErrorCode.UnsupportedMediaType, $"Content-Type: expected application/yaml or application/json, got '{mediaType}'");
        }
        BodyLimit.Apply(context, options.MaxJsonBodyBytes);
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(ct);
        var schema = yaml ? SchemaYaml.Parse(text) : JsonSerializer.Deserialize<DatasetSchema>(text, GyreJson.Options);
        return TypedResults.Ok(await schemas.SetAsync(name, schema, ct));
    }

    private static async Task<Ok<DatasetSchema>> Get(string name, DatasetSchemas schemas, CancellationToken ct) =>
        TypedResults.Ok(await schemas.GetAsync(name, ct));

    private static async Task<NoContent> Delete(string name, IDatasetStore store, CancellationToken ct) =>
        await store.DeleteSchemaAsync(name, ct) ? TypedResults.NoContent() : throw GyreException.NotFound($"dataset '{name}' has no declared schema");

    private static async Task<Ok<DatasetVersion>> Check(string name, string version, DatasetSchemas schemas, CancellationToken ct) =>
        TypedResults.Ok(await schemas.CheckAsync(name, QueryValues.Version(version, allowLatest: true), ct));
}
