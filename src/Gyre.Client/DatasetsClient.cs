using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gyre.Core.Data;
using Gyre.Core.Json;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Datasets: content-addressed versions of CSV and Parquet files.</summary>
public sealed class DatasetsClient
{
    private readonly ApiTransport _api;

    internal DatasetsClient(ApiTransport api) => _api = api;

    /// <summary>Streams a file as a new version; the same content again returns the existing version.</summary>
    public async Task<DatasetVersion> AddAsync(string name, Stream content, DatasetFormat format, string? source = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/datasets/{E(name)}/versions{Query(("source", source))}")
        {
            Content = new StreamContent(content),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(format.MediaType());
        using var response = await _api.SendRawAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        return (await response.Content.ReadFromJsonAsync<DatasetVersion>(GyreJson.Options, ct))!;
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

    /// <summary>A version number for a route, or "latest".</summary>
    private static string VersionSegment(long? version) =>
        version is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "latest";
}
