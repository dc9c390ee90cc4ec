namespace Gyre.Core.Tracking;

/// <summary>Conveniences over <see cref="ITrackingStore"/>, built on its primitives.</summary>
public static class TrackingStoreExtensions
{
    /// <summary>The largest page of metric history one call returns, and the default.</summary>
    public const int MaxHistoryPage = 100_000;
    public const int DefaultHistoryPage = 25_000;

    /// <summary>Every point of one metric, in step order, read page by page.</summary>
    public static async Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(this ITrackingStore store, RunId id, string key, CancellationToken ct)
    {
        var points = new List<Metric>();
        string? token = null;
        do
        {
            var page = await store.GetMetricHistoryPageAsync(id, key, MaxHistoryPage, token, ct);
            points.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);
        return points;
    }
}
