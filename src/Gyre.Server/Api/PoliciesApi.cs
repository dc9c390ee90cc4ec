using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Policies;
using Gyre.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/policies</c>: apply policy files, list them, read their firings.</summary>
internal static class PoliciesApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/policies").WithTags("Monitoring");
        group.MapPost("/", Apply);
        group.MapGet("/", List);
        group.MapGet("/{name}", Get);
        group.MapDelete("/{name}", Delete);
        group.MapGet("/{name}/firings", Firings);
    }

    /// <summary>Saves a policy; its actions will run with the caller's scope (a write token cannot make a policy start an admin-only pipeline).</summary>
    private static async Task<Ok<PolicyInfo>> Apply(ApplyPolicyRequest request, PolicyEngine engine, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Yaml))
        {
            throw GyreException.Invalid("yaml: expected the policy file's text");
        }
        return TypedResults.Ok(PolicyInfo.Of(await engine.ApplyAsync(request.Yaml, Scopes.Caller(http), ct)));
    }

    private static async Task<Ok<Page<PolicyInfo>>> List(PolicyEngine engine, CancellationToken ct) =>
        TypedResults.Ok(new Page<PolicyInfo>([.. (await engine.ListAsync(ct)).Select(PolicyInfo.Of)], null));

    private static async Task<Ok<PolicyInfo>> Get(string name, PolicyEngine engine, CancellationToken ct) =>
        TypedResults.Ok(PolicyInfo.Of(await engine.GetAsync(name, ct)));

    private static async Task<NoContent> Delete(string name, PolicyEngine engine, CancellationToken ct)
    {
        await engine.DeleteAsync(name, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<PolicyFiring>>> Firings(string name, [FromQuery(Name = "max_results")] string? maxResults, PolicyEngine engine, CancellationToken ct)
    {
        var limit = Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", 100), 10_000);
        return TypedResults.Ok(new Page<PolicyFiring>(await engine.FiringsAsync(name, limit, ct), null));
    }
}
