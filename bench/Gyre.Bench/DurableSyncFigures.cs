using System.Globalization;

namespace Gyre.Bench;

/// <summary>
/// The prediction log's durable syncs as its server's <c>/metrics</c> counts them (groups, records,
/// and groups that took over 4 ms), read before and after a round to tell how big the groups were
/// and how often the disk held a group up.
/// </summary>
internal sealed record DurableSyncFigures(double Groups, double Records, double UpTo4Ms)
{
    public static async Task<DurableSyncFigures> ReadAsync(HttpClient http, Uri server)
    {
        var lines = (await http.GetStringAsync(new Uri(server, "metrics"))).Split('\n');
        double Value(string series) => lines.Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture)).SingleOrDefault();
        return new DurableSyncFigures(Value("gyre_prediction_log_sync_records_count"), Value("gyre_prediction_log_sync_records_sum"),
            Value("gyre_prediction_log_sync_duration_seconds_bucket{le=\"0.004\"}"));
    }

    /// <summary>What happened between <paramref name="before"/> and this reading, over a round of <paramref name="round"/>.</summary>
    public string Since(DurableSyncFigures before, TimeSpan round)
    {
        var groups = Groups - before.Groups;
        return groups == 0 ? "" : $"  syncs {groups / round.TotalSeconds:N0}/s of {(Records - before.Records) / groups:0.0} records, {groups - (UpTo4Ms - before.UpTo4Ms):0} over 4 ms";
    }
}
