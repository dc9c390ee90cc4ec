using Gyre.Core.Data;
using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Core.Features;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Features.Online;
using Gyre.Core.Tracking;
using Gyre.Server.Auth;
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
/// rows with the groups' values; <c>materialize</c> brings a group's online store up to date, and
/// <c>online</c> reads it by entity key as the gateway does.
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
        group.MapPost("/{name}/materialize", Materialize);
        group.MapGet("/{name}/profile", Profile);
        // Reading the online store changes nothing: a read token is enough.
        group.MapPost("/{name}/online", Online).WithMetadata(new RequiredScope(TokenScope.Read));
        group.MapPost("/{name}/search", Search).WithMetadata(new RequiredScope(TokenScope.Read));
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

    /// <summary>Each feature across every part of the offline store: <c>{items: [{feature, type, count, missing, min?, max?, mean?, stddev?, top_values?, by_part}]}</c>.</summary>
    private static async Task<Ok<Page<FeatureProfile>>> Profile(string name, FeatureProfiles profiles, CancellationToken ct) =>
        TypedResults.Ok(new Page<FeatureProfile>(await profiles.ProfileAsync(name, ct), null));

    private static async Task<Ok<MaterializeResult>> Materialize(string name, OnlineMaterialization materialization, CancellationToken ct) =>
        TypedResults.Ok(await materialization.MaterializeAsync(name, ct));

    /// <summary>
    /// <c>{"entities": [{key column: value, ...}]}</c>: each entity's values in the online store, or
    /// <c>found: false</c> (<c>expired: true</c> when its values are older than the group's time-to-live).
    /// </summary>
    private static async Task<Ok<OnlineRead>> Online(string name, OnlineReadRequest request, FeatureGroups groups, OnlineValues online, CancellationToken ct)
    {
        var group = await groups.GetAsync(name, ct);
        if (request.Entities is not { Count: > 0 })
        {
            throw GyreException.Invalid($"entities: expected the entities to read, [{{{string.Join(", ", group.Entities.Select(e => $"\"{e}\": value"))}}}]");
        }
        if (request.Entities.Count > MaxOnlineEntities)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge, $"entities: {request.Entities.Count} entities; a request reads at most {MaxOnlineEntities}");
        }
        var keys = new List<string>();
        for (var i = 0; i < request.Entities.Count; i++)
        {
            var values = new List<string>();
            foreach (var column in group.Entities)
            {
                values.Add(request.Entities[i] is { } entity && entity.TryGetValue(column, out var value) && EntityKeys.Text(value) is { } text ? text
                    : throw GyreException.Invalid($"entities[{i}].{column}: expected the entity key of the feature group '{name}' (a string or a number)"));
            }
            keys.Add(EntityKeys.Of(values));
        }
        var expired = new List<OnlineFeatureRow>();
        var found = await online.GetAsync(group, keys.ToHashSet(StringComparer.Ordinal), expired, ct);
        var old = expired.ToDictionary(e => e.EntityKey, StringComparer.Ordinal);
        return TypedResults.Ok(new OnlineRead([.. keys.Select(key => found.TryGetValue(key, out var row)
            ? new OnlineEntity(EntityKeys.Show(key), true, row.EventTime, JsonSerializer.Deserialize<JsonElement>(row.Features))
            : new OnlineEntity(EntityKeys.Show(key), false, old.GetValueOrDefault(key)?.EventTime, null, old.ContainsKey(key) ? true : null))]));
    }

    /// <summary><c>{vector, k?, feature?, metric?}</c>: the entities whose latest vector is nearest, nearest first.</summary>
    private static async Task<Ok<Core.Features.Vectors.VectorResults>> Search(string name, Core.Features.Vectors.VectorQuery query, Core.Features.Vectors.VectorSearch search, CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(name, query, ct));

    /// <summary>The most entities one online read takes.</summary>
    public const int MaxOnlineEntities = 1000;

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
