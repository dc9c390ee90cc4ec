using Gyre.Core.Api;
using Gyre.Core.Models;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>The model registry: models, versions, aliases, tags and lineage.</summary>
public sealed class ModelsClient
{
    private readonly ApiTransport _api;

    internal ModelsClient(ApiTransport api) => _api = api;

    public Task<RegisteredModel> CreateAsync(string name, string? description = null, IReadOnlyList<Tag>? tags = null, CancellationToken ct = default) =>
        _api.PostAsync<RegisteredModel>("/api/v1/models", new CreateModelRequest(name, description, tags), ct);

    public Task<RegisteredModel> GetAsync(string name, CancellationToken ct = default) =>
        _api.GetAsync<RegisteredModel>($"/api/v1/models/{E(name)}", ct);

    public Task<Page<RegisteredModel>> SearchAsync(ModelSearch? search = null, CancellationToken ct = default)
    {
        search ??= new ModelSearch();
        var query = Query(
            [("filter", search.Filter), ("max_results", search.MaxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_token", search.PageToken),
             .. (search.OrderBy ?? []).Select(o => ("order_by", (string?)o))]);
        return _api.GetAsync<Page<RegisteredModel>>($"/api/v1/models{query}", ct);
    }

    public Task<RegisteredModel> UpdateAsync(string name, string? newName = null, string? description = null, CancellationToken ct = default) =>
        _api.PatchAsync<RegisteredModel>($"/api/v1/models/{E(name)}", new UpdateModelRequest(newName, description), ct);

    public Task DeleteAsync(string name, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/models/{E(name)}", null, ct);

    public Task SetTagAsync(string name, string key, string value, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Put, $"/api/v1/models/{E(name)}/tags/{Segments(key)}", new SetTagRequest(value), ct);

    public Task DeleteTagAsync(string name, string key, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/models/{E(name)}/tags/{Segments(key)}", null, ct);

    /// <summary>Registers the artifact <paramref name="artifactPath"/> of run <paramref name="runId"/> as the next version.</summary>
    public Task<ModelVersion> CreateVersionAsync(string name, RunId runId, string artifactPath, string? description = null, IReadOnlyList<Tag>? tags = null, CancellationToken ct = default) =>
        _api.PostAsync<ModelVersion>($"/api/v1/models/{E(name)}/versions", new CreateModelVersionRequest(runId, artifactPath, description, tags), ct);

    /// <summary>
    /// Imports an ONNX model as the next version (creating the model if needed): its signature is read
    /// from the graph and checked with <paramref name="options"/>; a run records the package.
    /// </summary>
    public async Task<ModelVersion> ImportOnnxAsync(string name, Stream model, ImportOptions? options = null, CancellationToken ct = default)
    {
        options ??= new ImportOptions();
        var query = Query(("task", options.Task), ("feature_input", options.FeatureInput),
            ("feature_columns", options.FeatureColumns is { } columns ? string.Join(',', columns) : null), ("output", options.Output),
            ("output_meaning", options.OutputMeaning), ("classes", options.Classes is { } classes ? string.Join(',', classes) : null));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/models/{E(name)}/versions{query}") { Content = new StreamContent(model) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/onnx");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ModelVersion>(response.Content, Core.Json.GyreJson.Options, ct))!;
    }

    /// <summary>Registers the next version from a package archive (gyre-model.json and the model file), as <see cref="DownloadPackageAsync"/> writes one.</summary>
    public async Task<ModelVersion> UploadPackageAsync(string name, Stream archive, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/models/{E(name)}/versions") { Content = new StreamContent(archive) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Core.Models.PackageArchive.MediaType);
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ModelVersion>(response.Content, Core.Json.GyreJson.Options, ct))!;
    }

    /// <summary>Writes a version's package archive to <paramref name="destination"/>.</summary>
    public async Task DownloadPackageAsync(string name, long version, Stream destination, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/models/{E(name)}/versions/{version}/package.zip");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await response.Content.CopyToAsync(destination, ct);
    }

    /// <summary>Runs the champion/challenger gate on a version; the verdict is stored with it (tags gyre.gate, gyre.gate.verdict).</summary>
    public Task<Core.Learning.Gate.GateVerdict> GateAsync(string name, long version, Core.Learning.Gate.GateRequest request, CancellationToken ct = default) =>
        _api.SendAsync<Core.Learning.Gate.GateVerdict>(HttpMethod.Post, $"/api/v1/models/{E(name)}/versions/{version}/gate", request, ct, bounded: false);

    /// <summary>The package manifest of a version: flavor, checksum, signature, task and what the output means.</summary>
    public Task<ModelPackage> GetPackageAsync(string name, long version, CancellationToken ct = default) =>
        _api.GetAsync<ModelPackage>($"/api/v1/models/{E(name)}/versions/{version}/package", ct);

    public Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken ct = default) =>
        _api.GetAsync<ModelVersion>($"/api/v1/models/{E(name)}/versions/{version}", ct);

    public Task<Page<ModelVersion>> ListVersionsAsync(string name, int maxResults = 100, string? pageToken = null, CancellationToken ct = default) =>
        _api.GetAsync<Page<ModelVersion>>($"/api/v1/models/{E(name)}/versions{Query(("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_token", pageToken))}", ct);

    public Task<ModelVersion> UpdateVersionAsync(string name, long version, string? description, CancellationToken ct = default) =>
        _api.PatchAsync<ModelVersion>($"/api/v1/models/{E(name)}/versions/{version}", new UpdateModelVersionRequest(description), ct);

    public Task DeleteVersionAsync(string name, long version, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/models/{E(name)}/versions/{version}", null, ct);

    public Task SetVersionTagAsync(string name, long version, string key, string value, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Put, $"/api/v1/models/{E(name)}/versions/{version}/tags/{Segments(key)}", new SetTagRequest(value), ct);

    public Task<ModelVersion> SetAliasAsync(string name, string alias, long version, CancellationToken ct = default) =>
        _api.PutAsync<ModelVersion>($"/api/v1/models/{E(name)}/aliases/{E(alias)}", new SetAliasRequest(version), ct);

    public Task<ModelVersion> GetByAliasAsync(string name, string alias, CancellationToken ct = default) =>
        _api.GetAsync<ModelVersion>($"/api/v1/models/{E(name)}/aliases/{E(alias)}", ct);

    public Task DeleteAliasAsync(string name, string alias, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/models/{E(name)}/aliases/{E(alias)}", null, ct);

    /// <summary>Resolves <c>NAME@ALIAS</c> or <c>NAME/VERSION</c>.</summary>
    public Task<ModelVersion> ResolveAsync(string reference, CancellationToken ct = default)
    {
        var parsed = Core.Registry.ModelReference.Parse("model", reference);
        return parsed.Alias is { } alias ? GetByAliasAsync(parsed.Name, alias, ct) : GetVersionAsync(parsed.Name, parsed.Version!.Value, ct);
    }

    public Task<ModelLineage> GetLineageAsync(string name, long version, CancellationToken ct = default) =>
        _api.GetAsync<ModelLineage>($"/api/v1/models/{E(name)}/versions/{version}/lineage", ct);
}
