using System.Globalization;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Json;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>
/// The statistics of a window of logged predictions, in the shape of reference statistics, for the
/// columns the reference has: numbers sorted (all of them kept up to 1,000, and an exact 1,001-point
/// quantile grid), other values counted. A window is held in memory: it is a bounded number of rows.
/// </summary>
public static class WindowStatistics
{
    public const string PredictionColumn = "prediction";

    public static ReferenceStatistics From(string endpoint, IReadOnlyList<JsonElement> rows, IEnumerable<ColumnReference> columns)
    {
        var result = columns.Select(c => Column(c.Name, c.Type, rows.Select(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty(c.Name, out var v) ? v : default))).ToList();
        return new ReferenceStatistics(endpoint, 0, rows.Count, result);
    }

    /// <summary>A column's statistics from its values in the window (undefined and null are missing).</summary>
    public static ColumnReference Column(string name, ColumnType type, IEnumerable<JsonElement> values)
    {
        var all = values.ToList();
        if (type is ColumnType.Integer or ColumnType.Float)
        {
            var numbers = all.Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetDouble()).Where(double.IsFinite).Order().ToArray();
            var missing = all.Count - all.Count(v => v.ValueKind == JsonValueKind.Number);
            if (numbers.Length == 0)
            {
                return new ColumnReference(name, type, 0, missing, 0);
            }
            var mean = numbers.Average();
            var grid = Enumerable.Range(0, ReferenceSettings.QuantilePoints).Select(i => Drift.ColumnDistribution.LinearQuantile(numbers, i / (double)(ReferenceSettings.QuantilePoints - 1))).ToList();
            var distinct = numbers.Distinct().Count();
            return new ColumnReference(name, type, numbers.Length, missing, distinct, mean,
                Math.Sqrt(numbers.Sum(x => (x - mean) * (x - mean)) / numbers.Length), numbers[0], numbers[^1], grid,
                Values: numbers.Length <= ReferenceSettings.ExactMaxValues ? numbers : null,
                Counts: distinct <= ReferenceSettings.NumericCountsMaxDistinct ? Counts(numbers.Select(n => n.ToString("R", CultureInfo.InvariantCulture))) : null);
        }
        var texts = all.Select(JsonValues.Text).OfType<string>().ToList();
        return new ColumnReference(name, type, texts.Count, all.Count - texts.Count, texts.Distinct().Count(), Counts: Counts(texts));
    }

    private static List<ValueCount> Counts(IEnumerable<string> values) =>
        [.. values.GroupBy(v => v, StringComparer.Ordinal).Select(g => new ValueCount(g.Key, g.Count())).OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)];
}
