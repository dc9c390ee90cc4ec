using Gyre.Core.Errors;

namespace Gyre.Core.Features.Vectors;

/// <summary>
/// Similarity search over a group's vector features: the query checked (its length, finite numbers,
/// k and the metric), then an exact scan of the entities' latest vectors (<see cref="IVectorIndexes"/>).
/// </summary>
public sealed class VectorSearch(FeatureGroups groups, IVectorIndexes indexes, Online.IOnlineFeatureStore online)
{
    /// <summary>The most neighbours one search returns.</summary>
    public const int MaxK = 1000;

    public async Task<VectorResults> SearchAsync(string name, VectorQuery query, CancellationToken ct)
    {
        var group = await groups.GetAsync(name, ct);
        var vectors = group.Features.Where(f => f.Dimensions is not null).ToList();
        if (vectors.Count == 0)
        {
            throw GyreException.Invalid($"feature: the feature group '{name}' has no vector feature (declare them at creation: vectors: {{COLUMN: DIMENSIONS}})");
        }
        var problems = new List<string>();
        var feature = query.Feature is null
            ? vectors.Count == 1 ? vectors[0] : null
            : vectors.FirstOrDefault(f => f.Name == query.Feature);
        if (feature is null)
        {
            problems.Add(query.Feature is null
                ? $"feature: the group has several vector features; name one of {string.Join(", ", vectors.Select(v => v.Name))}"
                : $"feature: '{query.Feature}' is not a vector feature of the group (its vector features: {string.Join(", ", vectors.Select(v => v.Name))})");
        }
        var metric = query.Metric ?? VectorMetrics.Cosine;
        if (!VectorMetrics.All.Contains(metric))
        {
            problems.Add($"metric: expected {string.Join(" or ", VectorMetrics.All)}, got '{metric}'");
        }
        var k = query.K ?? 10;
        if (k is < 1 or > MaxK)
        {
            problems.Add($"k: expected 1 to {MaxK}, got {k}");
        }
        if (query.Vector is not { Count: > 0 } vector)
        {
            problems.Add("vector: expected the query vector, an array of numbers");
        }
        else if (feature is not null && vector.Count != feature.Dimensions)
        {
            problems.Add($"vector: expected {feature.Dimensions} numbers ({feature.Name}'s dimensions), got {vector.Count}");
        }
        else if (vector.Any(v => !double.IsFinite(v) || Math.Abs(v) > float.MaxValue))
        {
            problems.Add("vector: expected finite numbers within a float's range");
        }
        foreach (var (name2, value) in query.Filter ?? new Dictionary<string, System.Text.Json.JsonElement>())
        {
            if (!group.Features.Any(f => f.Name == name2 && f.Dimensions is null))
            {
                problems.Add($"filter.{name2}: not a feature of the group to filter on (its features: {string.Join(", ", group.Features.Where(f => f.Dimensions is null).Select(f => f.Name))})");
            }
            else if (value.ValueKind is not (System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Number or System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            {
                problems.Add($"filter.{name2}: expected a string, number or boolean to equal, got {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }
        GyreException.ThrowIfAny(problems);
        if (group.Materialized is null)
        {
            throw GyreException.Conflict($"feature group '{name}' has no online store yet: `gyre features materialize {name}` fills it, and search reads it");
        }
        // A filter is read from the online store first: the entities whose values equal it.
        var among = query.Filter is { Count: > 0 } filter
            ? await online.KeysWhereAsync(group.Name, [.. filter.Select(f => (f.Key, f.Value.GetRawText()))], ct)
            : null;
        var (nearest, searched) = await indexes.SearchAsync(group, feature!, [.. query.Vector!.Select(v => (float)v)], k, metric, among, ct);
        return new VectorResults(feature!.Name, metric, nearest, searched);
    }
}
