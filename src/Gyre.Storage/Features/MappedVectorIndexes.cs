using System.Collections.Concurrent;
using System.Text.Json;
using Gyre.Core.Features;
using Gyre.Core.Features.Online;
using Gyre.Core.Features.Vectors;

namespace Gyre.Storage.Features;

/// <summary>
/// The vector indexes of this process: one per group and vector feature, built from the online store
/// on the first search after a materialisation (its entities' latest vectors, paged in key order) into
/// a memory-mapped file in <paramref name="folder"/>, and used until the group's record names a newer
/// materialisation. An index replaced is let go a minute later, once searches still on it are done.
/// </summary>
internal sealed class MappedVectorIndexes(IOnlineFeatureStore online, string folder) : IVectorIndexes, IDisposable
{
    private const int Page = 5000;
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Group, string Feature), (long Created, long Materialized, Lazy<Task<MappedVectorIndex>> Index)> _indexes = new();
    private int _disposed;

    public async Task<(IReadOnlyList<VectorMatch> Nearest, long Searched)> SearchAsync(FeatureGroup group, FeatureColumn feature, float[] query, int k, string metric,
        IReadOnlyCollection<string>? among, CancellationToken ct)
    {
        var index = await IndexAsync(group, feature);
        var rows = among is null ? null : index.RowsOf(among);
        var nearest = index.Nearest(query, k, metric, rows);
        return ([.. nearest.Select(n => new VectorMatch(EntityKeys.Show(index.Keys[n.Row]), n.Distance, index.Times[n.Row]))], rows?.Length ?? index.Count);
    }

    private Task<MappedVectorIndex> IndexAsync(FeatureGroup group, FeatureColumn feature)
    {
        var epoch = group.OnlineState();
        var key = (group.Name, feature.Name);
        while (true)
        {
            // A build that failed is tried again by the next search.
            if (_indexes.TryGetValue(key, out var held) && (held.Created, held.Materialized).CompareTo(epoch) >= 0
                && !(held.Index.IsValueCreated && held.Index.Value.IsFaulted))
            {
                return held.Index.Value;
            }
            var fresh = (epoch.Created, epoch.Materialized, new Lazy<Task<MappedVectorIndex>>(() => BuildAsync(group.Name, feature)));
            if (held.Index is null ? _indexes.TryAdd(key, fresh) : _indexes.TryUpdate(key, fresh, held))
            {
                if (held.Index is { } old)
                {
                    _ = LetGoAsync(old);
                }
                return fresh.Item3.Value;
            }
        }
    }

    private async Task<MappedVectorIndex> BuildAsync(string group, FeatureColumn feature)
    {
        Directory.CreateDirectory(folder);
        var dimensions = feature.Dimensions!.Value;
        using var writer = new MappedVectorIndex.Writer(Path.Combine(folder, $"vectors-{Guid.NewGuid():N}.f32"), dimensions);
        var vector = new float[dimensions];
        string? after = null;
        while (true)
        {
            var rows = await online.PageAsync(group, after, Page, CancellationToken.None);
            foreach (var row in rows)
            {
                using var values = JsonDocument.Parse(row.Features);
                // A missing vector (null) is no entity's neighbour.
                if (values.RootElement.TryGetProperty(feature.Name, out var array) && array.ValueKind == JsonValueKind.Array && array.GetArrayLength() == dimensions)
                {
                    var i = 0;
                    foreach (var number in array.EnumerateArray())
                    {
                        vector[i++] = number.GetSingle();
                    }
                    writer.Add(row.EntityKey, row.EventTime, vector);
                }
            }
            if (rows.Count < Page)
            {
                return writer.Open();
            }
            after = rows[^1].EntityKey;
        }
    }

    private static async Task LetGoAsync(Lazy<Task<MappedVectorIndex>> old)
    {
        await Task.Delay(Grace);
        try
        {
            (await old.Value).Dispose();
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            // It never built; nothing is held.
        }
    }

    /// <summary>Unmaps every index; once, though both the storage and the service container that forwards it let go.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        foreach (var (_, (_, _, index)) in _indexes)
        {
            if (index.IsValueCreated && index.Value.IsCompletedSuccessfully)
            {
                index.Value.Result.Dispose();
            }
        }
    }
}
