using Gyre.Core.Api;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Experiments: create, get, search, rename, tag, delete, restore.</summary>
public sealed class ExperimentsClient
{
    private readonly ApiTransport _api;

    internal ExperimentsClient(ApiTransport api) => _api = api;

    public Task<Experiment> CreateAsync(string name, IReadOnlyList<Tag>? tags = null, CancellationToken ct = default) =>
        _api.PostAsync<Experiment>("/api/v1/experiments", new CreateExperimentRequest(name, tags), ct);

    public Task<Experiment> GetAsync(ExperimentId id, CancellationToken ct = default) =>
        _api.GetAsync<Experiment>($"/api/v1/experiments/{E(id.Value)}", ct);

    public Task<Experiment> GetByNameAsync(string name, CancellationToken ct = default) =>
        _api.GetAsync<Experiment>($"/api/v1/experiments/by-name/{E(name)}", ct);

    public Task<Page<Experiment>> SearchAsync(ExperimentSearch? search = null, CancellationToken ct = default)
    {
        search ??= new ExperimentSearch();
        var query = Query(
            [("filter", search.Filter), ("view_type", ViewTypeText(search.ViewType)), ("max_results", search.MaxResults.ToString(System.Globalization.CultureInfo.InvariantCulture)),
             ("page_token", search.PageToken), .. (search.OrderBy ?? []).Select(o => ("order_by", (string?)o))]);
        return _api.GetAsync<Page<Experiment>>($"/api/v1/experiments{query}", ct);
    }

    public Task<Experiment> RenameAsync(ExperimentId id, string newName, CancellationToken ct = default) =>
        _api.PatchAsync<Experiment>($"/api/v1/experiments/{E(id.Value)}", new UpdateExperimentRequest(newName), ct);

    public Task SetTagAsync(ExperimentId id, string key, string value, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Put, $"/api/v1/experiments/{E(id.Value)}/tags/{Segments(key)}", new SetTagRequest(value), ct);

    /// <summary>Soft delete; <paramref name="permanent"/> purges an already deleted experiment (admin scope).</summary>
    public Task DeleteAsync(ExperimentId id, bool permanent = false, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/experiments/{E(id.Value)}{(permanent ? "?permanent=true" : "")}", null, ct);

    public Task<Experiment> RestoreAsync(ExperimentId id, CancellationToken ct = default) =>
        _api.PostAsync<Experiment>($"/api/v1/experiments/{E(id.Value)}/restore", null, ct);

    internal static string ViewTypeText(ViewType view) => view switch
    {
        ViewType.DeletedOnly => "deleted_only",
        ViewType.All => "all",
        _ => "active_only",
    };
}
