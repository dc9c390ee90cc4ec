using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>
/// Where registered models, versions and aliases live. Version numbers are assigned 1, 2, 3...
/// per model without gaps under concurrency; setting an alias is one atomic write.
/// </summary>
public interface IRegistryStore
{
    Task<RegisteredModel> CreateModelAsync(string name, string? description, IReadOnlyList<Tag> tags, CancellationToken ct);

    Task<RegisteredModel> GetModelAsync(string name, CancellationToken ct);

    Task<Page<RegisteredModel>> SearchModelsAsync(ModelSearch search, CancellationToken ct);

    /// <summary>Renames and/or re-describes a model; null members stay as they are.</summary>
    Task<RegisteredModel> UpdateModelAsync(string name, string? newName, string? description, CancellationToken ct);

    /// <summary>Deletes a model with its versions, tags and aliases.</summary>
    Task DeleteModelAsync(string name, CancellationToken ct);

    Task SetModelTagAsync(string name, Tag tag, CancellationToken ct);

    Task DeleteModelTagAsync(string name, string key, CancellationToken ct);

    /// <summary>Registers the next version; the caller has checked that the source exists.</summary>
    Task<ModelVersion> CreateVersionAsync(string name, NewModelVersion version, string source, CancellationToken ct);

    Task<ModelVersion> GetVersionAsync(string name, long version, CancellationToken ct);

    Task<Page<ModelVersion>> ListVersionsAsync(string name, int maxResults, string? pageToken, CancellationToken ct);

    /// <summary>The versions registered from a run's artifacts (a training's model, say), newest first.</summary>
    Task<IReadOnlyList<ModelVersion>> ListVersionsOfRunAsync(RunId run, CancellationToken ct);

    Task<ModelVersion> UpdateVersionAsync(string name, long version, string? description, CancellationToken ct);

    /// <summary>Deletes a version; aliases pointing at it are removed with it.</summary>
    Task DeleteVersionAsync(string name, long version, CancellationToken ct);

    Task SetVersionTagAsync(string name, long version, Tag tag, CancellationToken ct);

    Task DeleteVersionTagAsync(string name, long version, string key, CancellationToken ct);

    Task SetAliasAsync(string name, string alias, long version, CancellationToken ct);

    Task<ModelVersion> GetVersionByAliasAsync(string name, string alias, CancellationToken ct);

    Task DeleteAliasAsync(string name, string alias, CancellationToken ct);
}
