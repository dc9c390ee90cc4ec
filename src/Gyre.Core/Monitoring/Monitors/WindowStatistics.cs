using System.Globalization;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Json;
using Gyre.Core.Monitoring.Windows;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>
/// The statistics of a window of logged predictions, in the shape of reference statistics, for the
/// columns the reference has: numbers sorted (all of them kept up to 1,000, and an exact 1,001-point
/// quantile grid), other values counted. A window is held in memory: it is a bounded number of rows.
/// </summary>
public static class WindowStatistics
{
    public const string PredictionColumn = "prediction";

    /// <summary>The window's statistics for the reference's columns, from its inputs read column by column.</summary>
    public static ReferenceStatistics From(string endpoint, LoggedColumns window, IEnumerable<ColumnReference> columns)
    {
        var result = columns.Select(c => c.Type is ColumnType.Integer or ColumnType.Float ? Numeric(c.Name, c.Type, window.Numbers(c.Name)) : Categorical(c.Name, c.Type, window.Texts(c.Name))).ToList();
        return new ReferenceStatistics(endpoint, 0, window.Count, result);
    }

    /// <summary>A column's statistics from its values in the window (undefined and null are missing).</summary>
    public static ColumnReference Column(string name, ColumnType type, IEnumerable<JsonElement> values)
    {
        var all = values.ToList();
        return type is ColumnType.Integer or ColumnType.Float
            ? Numeric(name, type, [.. all.Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN)])
            : Categorical(name, type, [.. all.Select(JsonValues.Text)]);
    }

    /// <summary>A numeric column's statistics; NaN is a missing value.</summary>
    private static ColumnReference Numeric(string name, ColumnType type, double[] values)
    {
        var numbers = values.Where(double.IsFinite).Order().ToArray();
        var missing = values.Count(double.IsNaN);
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

    /// <summary>A categorical column's statistics; null is a missing value.</summary>
    private static ColumnReference Categorical(string name, ColumnType type, string?[] values)
    {
        var texts = values.OfType<string>().ToList();
        return new ColumnReference(name, type, texts.Count, values.Length - texts.Count, texts.Distinct().Count(), Counts: Counts(texts));
    }

    private static List<ValueCount> Counts(IEnumerable<string> values) =>
        [.. values.GroupBy(v => v, StringComparer.Ordinal).Select(g => new ValueCount(g.Key, g.Count())).OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal)];
}
