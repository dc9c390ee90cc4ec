using System.Net.Http.Headers;
using Gyre.Core.Api;
using Gyre.Core.Artifacts;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Runs: lifecycle, logging (every write is a batch), history, inputs, artifacts and search.</summary>
public sealed class RunsClient
{
    private readonly ApiTransport _api;

    internal RunsClient(ApiTransport api) => _api = api;

    public Task<Run> CreateAsync(ExperimentId experimentId, string? name = null, RunId? parentRunId = null, IReadOnlyList<Tag>? tags = null, CancellationToken ct = default) =>
        _api.PostAsync<Run>("/api/v1/runs", new CreateRunRequest(experimentId, name, parentRunId, null, tags), ct);

    public Task<Run> GetAsync(RunId id, CancellationToken ct = default) => _api.GetAsync<Run>($"/api/v1/runs/{E(id.Value)}", ct);

    public Task<Run> UpdateAsync(RunId id, RunStatus? status = null, long? endTime = null, string? name = null, CancellationToken ct = default) =>
        _api.PatchAsync<Run>($"/api/v1/runs/{E(id.Value)}", new UpdateRunRequest(status, endTime, name), ct);

    /// <summary>Marks the run finished (or another terminal status) now.</summary>
    public Task<Run> EndAsync(RunId id, RunStatus status = RunStatus.Finished, CancellationToken ct = default) => UpdateAsync(id, status, ct: ct);

    public Task DeleteAsync(RunId id, bool permanent = false, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/runs/{E(id.Value)}{(permanent ? "?permanent=true" : "")}", null, ct);

    public Task<Run> RestoreAsync(RunId id, CancellationToken ct = default) =>
        _api.PostAsync<Run>($"/api/v1/runs/{E(id.Value)}/restore", null, ct);

    /// <summary>The write primitive: metrics, params and tags in one all-or-nothing request.</summary>
    public Task LogBatchAsync(RunId id, IReadOnlyList<MetricInput>? metrics = null, IReadOnlyList<Param>? parameters = null, IReadOnlyList<Tag>? tags = null, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Post, $"/api/v1/runs/{E(id.Value)}/log-batch", new LogBatchRequest(metrics, parameters, tags), ct);

    public Task LogMetricAsync(RunId id, string key, double value, long step = 0, long? timestamp = null, CancellationToken ct = default) =>
        LogBatchAsync(id, metrics: [new MetricInput(key, value, step, timestamp)], ct: ct);

    public Task LogParamAsync(RunId id, string key, string value, CancellationToken ct = default) =>
        LogBatchAsync(id, parameters: [new Param(key, value)], ct: ct);

    public Task SetTagAsync(RunId id, string key, string value, CancellationToken ct = default) =>
        LogBatchAsync(id, tags: [new Tag(key, value)], ct: ct);

    /// <summary>Every point of one metric, in step order, fetched page by page.</summary>
    public async Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(RunId id, string key, CancellationToken ct = default)
    {
        var points = new List<Metric>();
        string? token = null;
        do
        {
            var page = await GetMetricHistoryPageAsync(id, key, TrackingStoreExtensions.MaxHistoryPage, token, ct);
            points.AddRange(page.Metrics);
            token = page.NextPageToken;
        }
        while (token is not null);
        return points;
    }

    public Task<MetricHistory> GetMetricHistoryPageAsync(RunId id, string key, int maxResults, string? pageToken = null, CancellationToken ct = default) =>
        _api.GetAsync<MetricHistory>(
            $"/api/v1/runs/{E(id.Value)}/metrics/{Segments(key)}{Query(("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_token", pageToken))}", ct);

    public Task LogInputsAsync(RunId id, IReadOnlyList<DatasetInput> datasets, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Post, $"/api/v1/runs/{E(id.Value)}/inputs", new LogInputsRequest(datasets), ct);

    public Task<Page<Run>> SearchAsync(SearchRunsRequest search, CancellationToken ct = default) =>
        _api.PostAsync<Page<Run>>("/api/v1/runs/search", search, ct);

    /// <summary>Streams <paramref name="content"/> to the run's artifact <paramref name="path"/>.</summary>
    public async Task<ArtifactInfo> UploadArtifactAsync(RunId id, string path, Stream content, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/runs/{E(id.Value)}/artifacts/{Segments(path)}")
        {
            Content = new StreamContent(content),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ArtifactInfo>(response.Content, Core.Json.GyreJson.Options, ct))!;
    }

    /// <summary>Begins an upload sent straight to the server's object store; a server whose artifacts are on its own disk answers not_implemented.</summary>
    public Task<DirectUpload> BeginArtifactUploadAsync(RunId id, string path, long size, CancellationToken ct = default) =>
        _api.PostAsync<DirectUpload>($"/api/v1/runs/{E(id.Value)}/artifact-uploads", new BeginUploadRequest(path, size), ct);

    /// <summary>Completes a direct upload: the server commits the parts and checks them against <paramref name="sha256"/>.</summary>
    public Task<ArtifactInfo> CompleteArtifactUploadAsync(RunId id, DirectUpload upload, string path, string sha256, IReadOnlyList<UploadedPart> parts, CancellationToken ct = default) =>
        _api.SendAsync<ArtifactInfo>(HttpMethod.Post, $"/api/v1/runs/{E(id.Value)}/artifact-uploads/{E(upload.UploadId)}/complete",
            new CompleteUploadRequest(path, sha256, parts), ct, bounded: false);

    public Task AbortArtifactUploadAsync(RunId id, DirectUpload upload, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/runs/{E(id.Value)}/artifact-uploads/{E(upload.UploadId)}", null, ct);

    /// <summary>
    /// Uploads a file straight to the server's object store (<see cref="DirectTransfer"/>); throws
    /// not_implemented when the server keeps artifacts on its own disk.
    /// </summary>
    public async Task<ArtifactInfo> UploadArtifactDirectAsync(RunId id, string path, FileInfo file, IProgress<long>? sent = null, CancellationToken ct = default)
    {
        var sha256 = await DirectTransfer.HashAsync(file, ct);
        var upload = await BeginArtifactUploadAsync(id, path, file.Length, ct);
        try
        {
            var parts = await DirectTransfer.SendPartsAsync(_api.Http, upload, file, sent, ct);
            return await CompleteArtifactUploadAsync(id, upload, path, sha256, parts, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            await DirectTransfer.QuietlyAsync(() => AbortArtifactUploadAsync(id, upload, CancellationToken.None));
            throw;
        }
    }

    /// <summary>Opens an artifact for reading; dispose the stream when done.</summary>
    public async Task<Stream> DownloadArtifactAsync(RunId id, string path, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/runs/{E(id.Value)}/artifacts/{Segments(path)}");
        var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        return await response.Content.ReadAsStreamAsync(ct);
    }

    public Task<ArtifactListing> ListArtifactsAsync(RunId id, string? path = null, CancellationToken ct = default) =>
        _api.GetAsync<ArtifactListing>($"/api/v1/runs/{E(id.Value)}/artifacts{Query(("path", path))}", ct);
}
