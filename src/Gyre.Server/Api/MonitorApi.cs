using Gyre.Core.Monitoring.Bias;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Performance;
using Gyre.Core.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary>
/// <c>/api/v1/endpoints/{name}/monitor</c>, <c>/drift</c>, <c>/estimated-performance</c> and <c>/bias</c>: watch an
/// endpoint for drift, read its drift windows, their performance estimated without labels beside the realized
/// one, and their post-training bias from the labels that have arrived.
/// </summary>
internal static class MonitorApi
{
    public const int DefaultWindows = 100;
    public const int MaxWindows = 10_000;

    /// <summary>Bias reads each window's predictions again, so it looks back over fewer windows.</summary>
    public const int DefaultBiasWindows = 20;
    public const int MaxBiasWindows = 500;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/endpoints/{name}").WithTags("Monitoring");
        group.MapPut("/monitor", Set);
        group.MapGet("/monitor", Get);
        group.MapDelete("/monitor", Delete);
        group.MapGet("/drift", Windows);
        group.MapGet("/estimated-performance", Performance);
        group.MapGet("/bias", Bias);
    }

    private static async Task<Ok<EndpointMonitorState>> Set(string name, MonitorSettings settings, EndpointMonitor monitor, CancellationToken ct) =>
        TypedResults.Ok(await monitor.SetAsync(name, settings, ct));

    private static async Task<Ok<EndpointMonitorState>> Get(string name, EndpointMonitor monitor, CancellationToken ct) =>
        TypedResults.Ok(await monitor.GetAsync(name, ct));

    private static async Task<NoContent> Delete(string name, EndpointMonitor monitor, CancellationToken ct)
    {
        await monitor.DeleteAsync(name, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Page<DriftWindow>>> Windows(string name, [FromQuery(Name = "max_results")] string? maxResults, EndpointMonitor monitor, CancellationToken ct)
    {
        var limit = Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", DefaultWindows), MaxWindows);
        await monitor.GetAsync(name, ct);
        return TypedResults.Ok(new Page<DriftWindow>(await monitor.ListWindowsAsync(name, limit, ct), null));
    }

    private static async Task<Ok<Page<PerformanceWindow>>> Performance(string name, [FromQuery(Name = "max_results")] string? maxResults, EndpointMonitor monitor, CancellationToken ct)
    {
        var limit = Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", DefaultWindows), MaxWindows);
        return TypedResults.Ok(new Page<PerformanceWindow>(await monitor.PerformanceAsync(name, limit, ct), null));
    }

    /// <summary>The windows' bias by <c>?sensitive=</c> for <c>?favourable=</c> (defaults: the monitor's <c>bias</c> settings, then the reference's schema).</summary>
    private static async Task<Ok<Page<WindowBias>>> Bias(string name, EndpointBias bias, CancellationToken ct,
        [FromQuery] string? sensitive = null, [FromQuery] string? favourable = null, [FromQuery(Name = "max_results")] string? maxResults = null)
    {
        var limit = Core.Search.MaxResults.Check(QueryValues.Int(maxResults, "max_results", DefaultBiasWindows), MaxBiasWindows);
        return TypedResults.Ok(new Page<WindowBias>(await bias.ListAsync(name, new BiasSettings(sensitive, favourable), limit, ct), null));
    }
}
