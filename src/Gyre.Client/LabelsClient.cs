using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Json;
using Gyre.Core.Labelling;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Labelling queues: sampled predictions people label, whose labels become the predictions' ground truth.</summary>
public sealed class LabelsClient
{
    private readonly ApiTransport _api;

    internal LabelsClient(ApiTransport api) => _api = api;

    public Task<LabelQueueDefinition> CreateQueueAsync(LabelQueueRequest request, CancellationToken ct = default) =>
        _api.PostAsync<LabelQueueDefinition>("/api/v1/label-queues", request, ct);

    public Task<Page<LabelQueueStatus>> ListQueuesAsync(CancellationToken ct = default) => _api.GetAsync<Page<LabelQueueStatus>>("/api/v1/label-queues", ct);

    /// <summary>A queue with its items per state and its labellers' agreement.</summary>
    public Task<LabelQueueStatus> GetQueueAsync(string name, CancellationToken ct = default) => _api.GetAsync<LabelQueueStatus>($"/api/v1/label-queues/{E(name)}", ct);

    public Task DeleteQueueAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/label-queues/{E(name)}", null, ct);

    /// <summary>The queue's items in a state (null: all), oldest first.</summary>
    public Task<Page<LabelledItem>> ListItemsAsync(string name, string? state = null, int maxResults = 100, CancellationToken ct = default) =>
        _api.GetAsync<Page<LabelledItem>>($"/api/v1/label-queues/{E(name)}/items{Query(("state", state), ("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)))}", ct);

    /// <summary>The next item for this client's token to label, or null when there is none.</summary>
    public async Task<LabelTask?> NextAsync(string name, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/label-queues/{E(name)}/next");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return response.StatusCode == HttpStatusCode.NoContent ? null : await response.Content.ReadFromJsonAsync<LabelTask>(GyreJson.Options, ct);
    }

    /// <summary>Labels an item (a class, or a number for a regression); labelling it again changes nothing.</summary>
    public Task<LabelOutcome> LabelAsync(string name, string predictionId, object label, CancellationToken ct = default) =>
        _api.PostAsync<LabelOutcome>($"/api/v1/label-queues/{E(name)}/items/{E(predictionId)}/labels", new LabelSubmission(JsonSerializer.SerializeToElement(label)), ct);

    public Task<LabelOutcome> SkipAsync(string name, string predictionId, CancellationToken ct = default) =>
        _api.PostAsync<LabelOutcome>($"/api/v1/label-queues/{E(name)}/items/{E(predictionId)}/labels", new LabelSubmission(Skip: true), ct);

    /// <summary>Takes back this token's last label or skip in the queue.</summary>
    public Task<LabelOutcome> UndoAsync(string name, CancellationToken ct = default) => _api.PostAsync<LabelOutcome>($"/api/v1/label-queues/{E(name)}/undo", null, ct);

    /// <summary>A reviewer's final label for an item whose labels differ.</summary>
    public Task<LabelItem> ResolveAsync(string name, string predictionId, object label, CancellationToken ct = default) =>
        _api.PostAsync<LabelItem>($"/api/v1/label-queues/{E(name)}/items/{E(predictionId)}/review", new LabelSubmission(JsonSerializer.SerializeToElement(label)), ct);

    /// <summary>Writes the queue's labels, a row each with its item's inputs, prediction and final label, as Parquet to <paramref name="destination"/>.</summary>
    public async Task ExportAsync(string name, Stream destination, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/label-queues/{E(name)}/labels.parquet");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await response.Content.CopyToAsync(destination, ct);
    }
}
