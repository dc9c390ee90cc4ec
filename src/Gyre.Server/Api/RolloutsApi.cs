using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/endpoints/{name}/rollouts</c>: start a rollout, follow it, abort or promote it.</summary>
internal static class RolloutsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var rollouts = routes.MapGroup("/api/v1/endpoints/{name}/rollouts").WithTags("Rollouts");
        rollouts.MapPost("/", Start);
        rollouts.MapGet("/", List);
        rollouts.MapGet("/{id}", Get);
        rollouts.MapPost("/{id}/abort", Abort);
        rollouts.MapPost("/{id}/promote", Promote);
    }

    private static async Task<Created<Rollout>> Start(string name, RolloutRequest request, RolloutController controller, CancellationToken ct)
    {
        var rollout = await controller.StartAsync(name, request, ct);
        return TypedResults.Created($"/api/v1/endpoints/{Uri.EscapeDataString(name)}/rollouts/{rollout.Id}", rollout);
    }

    private static async Task<Ok<Page<Rollout>>> List(string name, IRolloutStore store, Core.Serving.Endpoints.IEndpointStore endpoints, CancellationToken ct)
    {
        await endpoints.GetEndpointAsync(name, ct);
        return TypedResults.Ok(new Page<Rollout>(await store.ListRolloutsAsync(name, ct), null));
    }

    private static async Task<Ok<Rollout>> Get(string name, string id, IRolloutStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.GetRolloutAsync(name, Id(id), ct));

    private static async Task<Ok<Rollout>> Abort(string name, string id, RolloutController controller, CancellationToken ct) =>
        TypedResults.Ok(await controller.AbortAsync(name, Id(id), ct));

    private static async Task<Ok<Rollout>> Promote(string name, string id, RolloutController controller, CancellationToken ct) =>
        TypedResults.Ok(await controller.PromoteAsync(name, Id(id), ct));

    private static long Id(string text) => QueryValues.Long(text, "id", 0) is > 0 and var id ? id
        : throw Core.Errors.GyreException.Invalid($"id: expected a rollout number, got '{text}'");
}
