using Gyre.Core.Data.Bias;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>.../versions/{version}/bias?sensitive=&amp;label=&amp;favourable=&amp;facet=</c>: a version's pre-training bias metrics (SageMaker Clarify's).</summary>
internal static class DatasetBiasApi
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/{name}/versions/{version}/bias", Bias);

    private static async Task<Ok<BiasReport>> Bias(string name, string version, [FromQuery] string? sensitive, [FromQuery] string? label,
        [FromQuery] string? favourable, [FromQuery] string? facet, DatasetBias bias, CancellationToken ct) =>
        TypedResults.Ok(await bias.PretrainingAsync(name, QueryValues.Version(version, allowLatest: true), new BiasRequest(sensitive, label, favourable, facet), ct));
}
