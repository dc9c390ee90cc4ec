namespace Gyre.Core.Features.Vectors;

/// <summary>
/// <c>POST /api/v1/feature-groups/{name}/search</c>: the entities whose vector <c>Feature</c> (default:
/// the group's only vector feature) is nearest to <c>Vector</c>, the <c>K</c> nearest (default 10), by
/// <c>Metric</c>: <c>cosine</c> (1 − cosine similarity, the default) or <c>l2</c> (Euclidean distance);
/// among the entities whose features equal every value of <c>Filter</c> (<c>{"region": "north"}</c>), when given.
/// </summary>
public sealed record VectorQuery(IReadOnlyList<double>? Vector, int? K = null, string? Feature = null, string? Metric = null,
    IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Filter = null);

/// <summary>The nearest entities, nearest first, and how many vectors were compared.</summary>
public sealed record VectorResults(string Feature, string Metric, IReadOnlyList<VectorMatch> Items, long Searched);

/// <summary>An entity (its key, values joined by commas), its distance from the query, and its vector's event time.</summary>
public sealed record VectorMatch(string Entity, double Distance, long EventTime);

public static class VectorMetrics
{
    public const string Cosine = "cosine";
    public const string L2 = "l2";

    public static IReadOnlyList<string> All { get; } = [Cosine, L2];
}
