namespace Gyre.Core.Features.Vectors;

/// <summary>Exact nearest-neighbour search over a group's latest vectors (the online store's), in Gyre.Storage.</summary>
public interface IVectorIndexes
{
    /// <summary>
    /// The <paramref name="k"/> entities nearest to <paramref name="query"/> by <paramref name="metric"/>,
    /// nearest first, over the vectors of <paramref name="feature"/> as the group's current
    /// materialisation left them (only the entities of <paramref name="among"/>, when given); and how
    /// many vectors were compared.
    /// </summary>
    Task<(IReadOnlyList<VectorMatch> Nearest, long Searched)> SearchAsync(FeatureGroup group, FeatureColumn feature, float[] query, int k, string metric,
        IReadOnlyCollection<string>? among, CancellationToken ct);
}
