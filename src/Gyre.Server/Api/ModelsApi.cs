using Gyre.Core.Api;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/models</c>: registered models and their tags.</summary>
internal static class ModelsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models").WithTags("Models");
        group.MapPost("/", Create);
        group.MapGet("/", Search);
        group.MapGet("/{name}", Get);
        group.MapPatch("/{name}", Update);
        group.MapDelete("/{name}", Delete);
        group.MapPut("/{name}/tags/{**key}", SetTag);
        group.MapDelete("/{name}/tags/{**key}", DeleteTag);
    }

    private static async Task<Created<RegisteredModel>> Create(CreateModelRequest request, IRegistryStore registry, CancellationToken ct)
    {
        var model = await registry.CreateModelAsync(request.Name!, request.Description, request.Tags ?? [], ct);
        return TypedResults.Created($"/api/v1/models/{Uri.EscapeDataString(model.Name)}", model);
    }

    private static async Task<Ok<Page<RegisteredModel>>> Search(
        IRegistryStore registry, CancellationToken ct, string? filter = null,
        [FromQuery(Name = "order_by")] string[]? orderBy = null, [FromQuery(Name = "max_results")] string? maxResults = null,
        [FromQuery(Name = "page_token")] string? pageToken = null) =>
        TypedResults.Ok(await registry.SearchModelsAsync(new ModelSearch(filter, orderBy, QueryValues.Int(maxResults, "max_results", 100), pageToken), ct));

    private static async Task<Ok<RegisteredModel>> Get(string name, IRegistryStore registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.GetModelAsync(name, ct));

    private static async Task<Ok<RegisteredModel>> Update(string name, UpdateModelRequest request, IRegistryStore registry, CancellationToken ct) =>
        TypedResults.Ok(await registry.UpdateModelAsync(name, request.NewName, request.Description, ct));

    private static async Task<NoContent> Delete(string name, IRegistryStore registry, CancellationToken ct)
    {
        await registry.DeleteModelAsync(name, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SetTag(string name, string key, SetTagRequest request, IRegistryStore registry, CancellationToken ct)
    {
        await registry.SetModelTagAsync(name, new Tag(key, request.Value!), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteTag(string name, string key, IRegistryStore registry, CancellationToken ct)
    {
        await registry.DeleteModelTagAsync(name, key, ct);
        return TypedResults.NoContent();
    }
}
