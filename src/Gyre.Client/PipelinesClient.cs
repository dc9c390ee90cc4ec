using Gyre.Core.Pipelines;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Pipelines: save files, start and follow runs, cancel and resume them, read step logs, and ask the lineage graph.</summary>
public sealed class PipelinesClient
{
    private readonly ApiTransport _api;

    internal PipelinesClient(ApiTransport api) => _api = api;

    /// <summary>Checks and stores a pipeline file; <paramref name="directory"/> is where its relative paths start (on the server's machine). <paramref name="dryRun"/> only checks.</summary>
    public Task<PipelineInfo> SaveAsync(string yaml, string? directory = null, bool dryRun = false, CancellationToken ct = default) =>
        _api.PostAsync<PipelineInfo>($"/api/v1/pipelines{(dryRun ? "?dry_run=true" : "")}", new SavePipelineRequest(yaml, directory), ct);

    public Task<PipelineInfo> GetAsync(string name, CancellationToken ct = default) => _api.GetAsync<PipelineInfo>($"/api/v1/pipelines/{E(name)}", ct);

    public Task<Page<PipelineInfo>> ListAsync(CancellationToken ct = default) => _api.GetAsync<Page<PipelineInfo>>("/api/v1/pipelines", ct);

    public Task DeleteAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/pipelines/{E(name)}", null, ct);

    /// <summary>Starts a run; it goes on in the server, follow it with <see cref="GetRunAsync"/>.</summary>
    public Task<PipelineRun> StartRunAsync(string name, StartRunRequest? request = null, CancellationToken ct = default) =>
        _api.PostAsync<PipelineRun>($"/api/v1/pipelines/{E(name)}/runs", request ?? new StartRunRequest(), ct);

    public Task<PipelineRun> GetRunAsync(long id, CancellationToken ct = default) => _api.GetAsync<PipelineRun>($"/api/v1/pipeline-runs/{id}", ct);

    /// <summary>Runs newest first: one pipeline's, or every pipeline's when <paramref name="pipeline"/> is null.</summary>
    public Task<Page<PipelineRun>> ListRunsAsync(string? pipeline = null, int maxResults = 50, CancellationToken ct = default) =>
        _api.GetAsync<Page<PipelineRun>>((pipeline is null ? "/api/v1/pipeline-runs" : $"/api/v1/pipelines/{E(pipeline)}/runs")
            + Query(("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture))), ct);

    public Task<PipelineRun> CancelRunAsync(long id, CancellationToken ct = default) => _api.PostAsync<PipelineRun>($"/api/v1/pipeline-runs/{id}/cancel", null, ct);

    public Task<PipelineRun> ResumeRunAsync(long id, CancellationToken ct = default) => _api.PostAsync<PipelineRun>($"/api/v1/pipeline-runs/{id}/resume", null, ct);

    /// <summary>A step's log, every attempt's output in order.</summary>
    public async Task<string> GetLogsAsync(long id, string step, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/pipeline-runs/{id}/steps/{E(step)}/logs");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        await ApiTransport.EnsureSuccessAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>The lineage of an artifact (<c>model:NAME/VERSION</c>, <c>dataset:NAME@VERSION</c>, <c>file:PATH</c>) upstream or downstream.</summary>
    public Task<LineageGraph> LineageAsync(string uri, string direction = LineageService.Upstream, CancellationToken ct = default) =>
        _api.GetAsync<LineageGraph>($"/api/v1/lineage{Query(("uri", uri), ("direction", direction))}", ct);
}
