using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Data.Splits;
using Gyre.Core.Json;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Datasets: content-addressed versions of CSV and Parquet files.</summary>
public sealed class DatasetsClient
{
    private readonly ApiTransport _api;

    internal DatasetsClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Streams a file as a new version; the same content again returns the existing version. For CSV,
    /// <paramref name="onBadRows"/> says whether a malformed row fails the add (the default) or is skipped and counted.
    /// </summary>
    public async Task<DatasetVersion> AddAsync(string name, Stream content, DatasetFormat format, string? source = null,
        BadRowPolicy onBadRows = BadRowPolicy.Fail, CancellationToken ct = default)
    {
        var policy = onBadRows == BadRowPolicy.Skip ? "skip" : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/datasets/{E(name)}/versions{Query(("source", source), ("on_bad_rows", policy))}")
        {
            Content = new StreamContent(content),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(format.MediaType());
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await response.Content.ReadFromJsonAsync<DatasetVersion>(GyreJson.Options, ct))!;
    }

    /// <summary>
    /// Adds a file by sending it straight to the server's object store (<see cref="DirectTransfer"/>);
    /// the server then adds it from there as <see cref="AddAsync"/> adds a file sent to it. Throws
    /// not_implemented when the server keeps its files on its own disk.
    /// </summary>
    public async Task<DatasetVersion> AddDirectAsync(string name, FileInfo file, DatasetFormat format, string? source = null,
        BadRowPolicy onBadRows = BadRowPolicy.Fail, IProgress<long>? sent = null, CancellationToken ct = default)
    {
        var sha256 = await DirectTransfer.HashAsync(file, ct);
        var upload = await _api.PostAsync<Core.Artifacts.DirectUpload>($"/api/v1/datasets/{E(name)}/uploads", new Core.Artifacts.BeginUploadRequest(null, file.Length), ct);
        IReadOnlyList<Core.Artifacts.UploadedPart> parts;
        try
        {
            parts = await DirectTransfer.SendPartsAsync(_api.Http, upload, file, sent, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            await DirectTransfer.QuietlyAsync(() => _api.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{E(name)}/uploads/{E(upload.UploadId)}", null, CancellationToken.None));
            throw;
        }
        var query = Query(("format", format == DatasetFormat.Csv ? "csv" : "parquet"), ("source", source), ("on_bad_rows", onBadRows == BadRowPolicy.Skip ? "skip" : null));
        return await _api.SendAsync<DatasetVersion>(HttpMethod.Post, $"/api/v1/datasets/{E(name)}/uploads/{E(upload.UploadId)}/complete{query}",
            new Core.Artifacts.CompleteUploadRequest(null, sha256, parts), ct, bounded: false);
    }

    /// <summary>Deletes a dataset with its versions.</summary>
    public Task DeleteAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{E(name)}", null, ct);

    /// <summary>Writes a version's file (as it was added: CSV or Parquet) to <paramref name="destination"/>.</summary>
    public async Task DownloadAsync(string name, long version, Stream destination, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/datasets/{E(name)}/versions/{version}/content");
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await response.Content.CopyToAsync(destination, ct);
    }

    public Task<Page<Dataset>> ListAsync(int maxResults = 100, string? pageToken = null, CancellationToken ct = default) =>
        _api.GetAsync<Page<Dataset>>($"/api/v1/datasets{Query(("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_token", pageToken))}", ct);

    public Task<Page<DatasetVersion>> ListVersionsAsync(string name, int maxResults = 100, string? pageToken = null, CancellationToken ct = default) =>
        _api.GetAsync<Page<DatasetVersion>>($"/api/v1/datasets/{E(name)}/versions{Query(("max_results", maxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("page_token", pageToken))}", ct);

    /// <summary>
    /// Checks a suite against a version (the latest when null); the version is marked failed when an
    /// error constraint fails. Not bounded by the client's timeout: it reads the whole dataset.
    /// </summary>
    public Task<Core.Data.Validation.ValidationReport> ValidateAsync(string name, long? version, Core.Data.Validation.ValidationSuite suite, CancellationToken ct = default) =>
        _api.SendAsync<Core.Data.Validation.ValidationReport>(HttpMethod.Post,
            $"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/validate", suite, ct, bounded: false);

    /// <summary>A suite proposed from a version's profile with Deequ's default rules.</summary>
    public Task<Core.Data.Validation.ValidationSuite> SuggestSuiteAsync(string name, long? version = null, CancellationToken ct = default) =>
        _api.GetAsync<Core.Data.Validation.ValidationSuite>(
            $"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/suggested-suite", ct);

    /// <summary>The profile of a version, or of the latest when <paramref name="version"/> is null.</summary>
    public Task<DatasetProfile> GetProfileAsync(string name, long? version = null, CancellationToken ct = default) =>
        _api.GetAsync<DatasetProfile>($"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/profile", ct);

    /// <summary>A version by number, or the latest when <paramref name="version"/> is null.</summary>
    public Task<DatasetVersion> GetVersionAsync(string name, long? version = null, CancellationToken ct = default) =>
        _api.GetAsync<DatasetVersion>($"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}", ct);

    /// <summary>Declares the dataset's schema from a YAML text; versions added from now on are checked against it.</summary>
    public async Task<DatasetSchema> SetSchemaAsync(string name, string yaml, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/datasets/{E(name)}/schema")
        {
            Content = new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"),
        };
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await response.Content.ReadFromJsonAsync<DatasetSchema>(GyreJson.Options, ct))!;
    }

    /// <summary>Declares the dataset's schema; versions added from now on are checked against it.</summary>
    public Task<DatasetSchema> SetSchemaAsync(string name, DatasetSchema schema, CancellationToken ct = default) =>
        _api.PutAsync<DatasetSchema>($"/api/v1/datasets/{E(name)}/schema", schema, ct);

    public Task<DatasetSchema> GetSchemaAsync(string name, CancellationToken ct = default) =>
        _api.GetAsync<DatasetSchema>($"/api/v1/datasets/{E(name)}/schema", ct);

    public Task DeleteSchemaAsync(string name, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/datasets/{E(name)}/schema", null, ct);

    /// <summary>Compares a stored version with the schema as it is now and records the result; reads the whole version.</summary>
    public Task<DatasetVersion> CheckSchemaAsync(string name, long? version = null, CancellationToken ct = default) =>
        _api.SendAsync<DatasetVersion>(HttpMethod.Post, $"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/schema-check", null, ct, bounded: false);

    /// <summary>Splits a version into train and test parts, or returns the split recorded before for the same content and spec.</summary>
    public Task<DatasetSplit> SplitAsync(string name, long? version, SplitSpec spec, CancellationToken ct = default) =>
        _api.SendAsync<DatasetSplit>(HttpMethod.Post, $"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/splits", spec, ct, bounded: false);

    public Task<IReadOnlyList<DatasetSplit>> ListSplitsAsync(string name, long? version = null, CancellationToken ct = default) =>
        _api.GetAsync<IReadOnlyList<DatasetSplit>>($"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/splits", ct);

    /// <summary>The reference statistics of a version for drift tests, computed on first use.</summary>
    /// <summary>Drift between two versions, column by column (Evidently's default tests unless set).</summary>
    public Task<Core.Monitoring.Drift.DriftReport> DriftAsync(Core.Monitoring.Drift.DriftRequest request, CancellationToken ct = default) =>
        _api.SendAsync<Core.Monitoring.Drift.DriftReport>(HttpMethod.Post, "/api/v1/drift", request, ct, bounded: false);

    public Task<ReferenceStatistics> GetReferenceAsync(string name, long? version = null, CancellationToken ct = default) =>
        _api.SendAsync<ReferenceStatistics>(HttpMethod.Get, $"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/reference", null, ct, bounded: false);

    /// <summary>Pre-training bias metrics of a version by a sensitive column (SageMaker Clarify's definitions).</summary>
    public Task<Core.Data.Bias.BiasReport> BiasAsync(string name, long? version, Core.Data.Bias.BiasRequest request, CancellationToken ct = default)
    {
        var query = string.Join("&", new[] { ("sensitive", request.Sensitive), ("label", request.Label), ("favourable", request.Favourable), ("facet", request.Facet) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        return _api.SendAsync<Core.Data.Bias.BiasReport>(HttpMethod.Get,
            $"/api/v1/datasets/{E(name)}/versions/{VersionSegment(version)}/bias{(query.Length > 0 ? "?" + query : "")}", null, ct, bounded: false);
    }

    /// <summary>A version number for a route, or "latest".</summary>
    private static string VersionSegment(long? version) =>
        version is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "latest";
}
