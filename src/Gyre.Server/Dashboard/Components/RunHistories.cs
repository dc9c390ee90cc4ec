using Gyre.Core.Tracking;

namespace Gyre.Server.Dashboard.Components;

/// <summary>Reads a metric's history for a chart: every point up to <see cref="MaxPoints"/>, oldest step first.</summary>
internal static class RunHistories
{
    public const int MaxPoints = 10_000;

    public static async Task<IReadOnlyList<Metric>> LoadAsync(ITrackingStore tracking, RunId run, string key, CancellationToken ct)
    {
        var points = new List<Metric>();
        string? token = null;
        do
        {
            var page = await tracking.GetMetricHistoryPageAsync(run, key, 5000, token, ct);
            points.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null && points.Count < MaxPoints);
        return [.. points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp)];
    }
}
