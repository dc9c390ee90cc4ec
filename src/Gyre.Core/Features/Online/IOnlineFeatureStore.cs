namespace Gyre.Core.Features.Online;

/// <summary>The online store: each entity's latest feature values per group, in the metadata database.</summary>
public interface IOnlineFeatureStore
{
    /// <summary>
    /// Keeps each row whose event time (then order) is newer than the entity's stored one; returns how
    /// many entities changed. An older row changes nothing, so materialising a part twice is harmless.
    /// </summary>
    Task<long> UpsertAsync(string group, IReadOnlyList<OnlineFeatureRow> rows, CancellationToken ct);

    /// <summary>The stored rows of the keys asked for; a key with none is absent.</summary>
    Task<IReadOnlyDictionary<string, OnlineFeatureRow>> GetAsync(string group, IReadOnlyCollection<string> keys, CancellationToken ct);

    /// <summary>A page of the group's rows in key order, after <paramref name="after"/> (null: from the first).</summary>
    Task<IReadOnlyList<OnlineFeatureRow>> PageAsync(string group, string? after, int limit, CancellationToken ct);

    /// <summary>The keys of the group's entities whose features equal each given JSON value (numbers as numbers, strings as strings).</summary>
    Task<IReadOnlyList<string>> KeysWhereAsync(string group, IReadOnlyList<(string Feature, string Json)> equal, CancellationToken ct);

    /// <summary>How many entities the group has in the online store.</summary>
    Task<long> CountAsync(string group, CancellationToken ct);

    /// <summary>Removes the group's rows.</summary>
    Task DeleteAsync(string group, CancellationToken ct);
}
