using System.Text.Json;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Protocol;
using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Serving endpoints: create and delete them, predict through the gateway, report ground truth, read the prediction log.</summary>
public sealed class EndpointsClient
{
    private readonly ApiTransport _api;

    internal EndpointsClient(ApiTransport api) => _api = api;

    /// <summary>Creates an endpoint serving <paramref name="model"/> (<c>NAME@ALIAS</c> or <c>NAME/VERSION</c>); the model is loaded before this returns.</summary>
    public Task<EndpointStatus> CreateAsync(string name, string model, string? logMode = null, string? description = null, Core.Serving.Batching.BatchSettings? batching = null,
        Core.Features.Lookups.FeatureLookup? features = null, CancellationToken ct = default) =>
        _api.SendAsync<EndpointStatus>(HttpMethod.Post, "/api/v1/endpoints", new CreateEndpointRequest(name, model, description, logMode, batching, features), ct, bounded: false);

    /// <summary>Sets the features the gateway looks up for each row by entity key; null looks nothing up.</summary>
    public Task<Endpoint> SetFeaturesAsync(string name, Core.Features.Lookups.FeatureLookup? features, CancellationToken ct = default) =>
        _api.SendAsync<Endpoint>(HttpMethod.Put, $"/api/v1/endpoints/{E(name)}/features", features, ct);

    /// <summary>Sets how concurrent requests share the endpoint's model calls; null gives each model its default.</summary>
    public Task<Endpoint> SetBatchingAsync(string name, Core.Serving.Batching.BatchSettings? batching, CancellationToken ct = default) =>
        _api.SendAsync<Endpoint>(HttpMethod.Put, $"/api/v1/endpoints/{E(name)}/batching", batching, ct);

    public Task<EndpointStatus> GetAsync(string name, CancellationToken ct = default) => _api.GetAsync<EndpointStatus>($"/api/v1/endpoints/{E(name)}", ct);

    public Task<Page<EndpointStatus>> ListAsync(CancellationToken ct = default) => _api.GetAsync<Page<EndpointStatus>>("/api/v1/endpoints", ct);

    public Task DeleteAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/endpoints/{E(name)}", null, ct);

    /// <summary>Starts moving the endpoint's traffic to a candidate version (canary by default).</summary>
    public Task<Rollout> StartRolloutAsync(string name, RolloutRequest request, CancellationToken ct = default) =>
        _api.SendAsync<Rollout>(HttpMethod.Post, $"/api/v1/endpoints/{E(name)}/rollouts", request, ct, bounded: false);

    public Task<Rollout> GetRolloutAsync(string name, long id, CancellationToken ct = default) => _api.GetAsync<Rollout>($"/api/v1/endpoints/{E(name)}/rollouts/{id}", ct);

    /// <summary>The endpoint's rollouts, newest first.</summary>
    public Task<Page<Rollout>> ListRolloutsAsync(string name, CancellationToken ct = default) => _api.GetAsync<Page<Rollout>>($"/api/v1/endpoints/{E(name)}/rollouts", ct);

    public Task<Rollout> AbortRolloutAsync(string name, long id, CancellationToken ct = default) =>
        _api.SendAsync<Rollout>(HttpMethod.Post, $"/api/v1/endpoints/{E(name)}/rollouts/{id}/abort", null, ct);

    public Task<Rollout> PromoteRolloutAsync(string name, long id, CancellationToken ct = default) =>
        _api.SendAsync<Rollout>(HttpMethod.Post, $"/api/v1/endpoints/{E(name)}/rollouts/{id}/promote", null, ct);

    /// <summary>Starts (or changes) watching the endpoint for drift in tumbling windows.</summary>
    public Task<Core.Monitoring.Monitors.EndpointMonitorState> SetMonitorAsync(string name, Core.Monitoring.Monitors.MonitorSettings settings, CancellationToken ct = default) =>
        _api.PutAsync<Core.Monitoring.Monitors.EndpointMonitorState>($"/api/v1/endpoints/{E(name)}/monitor", settings, ct);

    public Task<Core.Monitoring.Monitors.EndpointMonitorState> GetMonitorAsync(string name, CancellationToken ct = default) =>
        _api.GetAsync<Core.Monitoring.Monitors.EndpointMonitorState>($"/api/v1/endpoints/{E(name)}/monitor", ct);

    public Task DeleteMonitorAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/endpoints/{E(name)}/monitor", null, ct);

    /// <summary>The endpoint's drift windows, newest first.</summary>
    public Task<Page<Core.Monitoring.Monitors.DriftWindow>> ListDriftWindowsAsync(string name, int maxResults = 100, CancellationToken ct = default) =>
        _api.GetAsync<Page<Core.Monitoring.Monitors.DriftWindow>>($"/api/v1/endpoints/{E(name)}/drift?max_results={maxResults}", ct);

    /// <summary>The monitor's windows, newest first: performance estimated without labels beside the realized one.</summary>
    public Task<Page<Core.Monitoring.Performance.PerformanceWindow>> ListEstimatedPerformanceAsync(string name, int maxResults = 100, CancellationToken ct = default) =>
        _api.GetAsync<Page<Core.Monitoring.Performance.PerformanceWindow>>($"/api/v1/endpoints/{E(name)}/estimated-performance?max_results={maxResults}", ct);

    /// <summary>The monitor's windows, newest first, with their post-training bias by a sensitive input from the labels that have arrived.</summary>
    public Task<Page<Core.Monitoring.Bias.WindowBias>> ListBiasAsync(string name, string? sensitive = null, string? favourable = null, int maxResults = 20, CancellationToken ct = default) =>
        _api.GetAsync<Page<Core.Monitoring.Bias.WindowBias>>($"/api/v1/endpoints/{E(name)}/bias?max_results={maxResults}"
            + (sensitive is null ? "" : $"&sensitive={Uri.EscapeDataString(sensitive)}") + (favourable is null ? "" : $"&favourable={Uri.EscapeDataString(favourable)}"), ct);

    /// <summary>Predicts rows given as column-to-value maps (the <c>instances</c> form).</summary>
    public Task<PredictResponse> PredictAsync(string name, IEnumerable<IReadOnlyDictionary<string, object?>> instances, CancellationToken ct = default) =>
        _api.PostAsync<PredictResponse>($"/endpoints/{E(name)}/predict", new { instances }, ct);

    /// <summary>Sends a request body as it is (either dialect's <c>instances</c> or <c>dataframe_split</c> form).</summary>
    public Task<PredictResponse> PredictAsync(string name, JsonElement body, CancellationToken ct = default) =>
        _api.PostAsync<PredictResponse>($"/endpoints/{E(name)}/predict", body, ct);

    /// <summary>Ground truth for predictions, by their ids; actual is a label, class or number.</summary>
    public Task<FeedbackResult> FeedbackAsync(string name, IEnumerable<(string PredictionId, object Actual)> feedback, CancellationToken ct = default) =>
        _api.PostAsync<FeedbackResult>($"/endpoints/{E(name)}/feedback", feedback.Select(f => new { prediction_id = f.PredictionId, actual = f.Actual }).ToList(), ct);

    public Task<Page<LoggedPrediction>> ListPredictionsAsync(string name, long? since = null, long? until = null, int maxResults = 1000, string? pageToken = null, CancellationToken ct = default) =>
        _api.GetAsync<Page<LoggedPrediction>>($"/api/v1/endpoints/{E(name)}/predictions{Query(("since", since?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("until", until?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_token", pageToken))}", ct);

    /// <summary>Writes the prediction log (with feedback) of a time range as Parquet to <paramref name="destination"/>.</summary>
    public async Task DownloadPredictionsAsync(string name, Stream destination, long? since = null, long? until = null, CancellationToken ct = default)
    {
        var query = Query(("since", since?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("until", until?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/endpoints/{E(name)}/predictions.parquet{query}");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await response.Content.CopyToAsync(destination, ct);
    }
}
