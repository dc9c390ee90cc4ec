using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Features.Online;
using Gyre.Core.Json;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>The feature store: feature groups, their rows, and point-in-time training sets.</summary>
public sealed class FeaturesClient
{
    private readonly ApiTransport _api;

    internal FeaturesClient(ApiTransport api) => _api = api;

    public Task<FeatureGroup> CreateAsync(NewFeatureGroup group, CancellationToken ct = default) =>
        _api.PostAsync<FeatureGroup>("/api/v1/feature-groups", group, ct);

    public Task<Page<FeatureGroup>> ListAsync(CancellationToken ct = default) => _api.GetAsync<Page<FeatureGroup>>("/api/v1/feature-groups", ct);

    public Task<FeatureGroup> GetAsync(string name, CancellationToken ct = default) => _api.GetAsync<FeatureGroup>($"/api/v1/feature-groups/{E(name)}", ct);

    public Task DeleteAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/feature-groups/{E(name)}", null, ct);

    /// <summary>Appends a file's rows to a group; a file that does not match the group's columns and types is refused whole.</summary>
    public async Task<FeatureIngest> IngestAsync(string name, Stream content, DatasetFormat format, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/feature-groups/{E(name)}/rows") { Content = new StreamContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(format.MediaType());
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await response.Content.ReadFromJsonAsync<FeatureIngest>(GyreJson.Options, ct))!;
    }

    /// <summary>The entities whose latest vector is nearest to the query's, nearest first.</summary>
    public Task<Core.Features.Vectors.VectorResults> SearchAsync(string name, Core.Features.Vectors.VectorQuery query, CancellationToken ct = default) =>
        _api.PostAsync<Core.Features.Vectors.VectorResults>($"/api/v1/feature-groups/{E(name)}/search", query, ct);

    /// <summary>Each feature across the group's whole offline store, from its parts' profiles.</summary>
    public Task<Page<FeatureProfile>> ProfileAsync(string name, CancellationToken ct = default) =>
        _api.GetAsync<Page<FeatureProfile>>($"/api/v1/feature-groups/{E(name)}/profile", ct);

    /// <summary>Brings a group's online store up to date with its offline store (only what was ingested since the last time is read).</summary>
    public Task<MaterializeResult> MaterializeAsync(string name, CancellationToken ct = default) =>
        _api.SendAsync<MaterializeResult>(HttpMethod.Post, $"/api/v1/feature-groups/{E(name)}/materialize", null, ct, bounded: false);

    /// <summary>The online store's values of entities, each given as its key columns' values.</summary>
    public Task<OnlineRead> ReadOnlineAsync(string name, IReadOnlyList<Dictionary<string, System.Text.Json.JsonElement>> entities, CancellationToken ct = default) =>
        _api.PostAsync<OnlineRead>($"/api/v1/feature-groups/{E(name)}/online", new OnlineReadRequest(entities), ct);

    /// <summary>A point-in-time correct training set, recorded as a dataset version.</summary>
    public Task<TrainingSet> TrainingSetAsync(TrainingSetRequest request, CancellationToken ct = default) =>
        _api.PostAsync<TrainingSet>("/api/v1/training-sets", request, ct);
}
