using Gyre.Core.Data.Reference;
using Gyre.Core.Errors;

namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// Compares two sets of reference statistics column by column with each column's test (the defaults
/// of <see cref="DriftTests"/> unless set), and judges the data set. Pure: the statistics are read
/// once per side, never the raw data.
/// </summary>
public static class DriftCheck
{
    public const double DefaultShare = 0.5;

    public static DriftReport Compare(ReferenceStatistics reference, ReferenceStatistics current, DriftRequest request)
    {
        var problems = new List<string>();
        var share = request.Share ?? DefaultShare;
        if (share is <= 0 or > 1)
        {
            problems.Add($"share: expected a fraction above 0 and at most 1, got {share}");
        }
        var currentColumns = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var referenceColumns = reference.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var names = request.Columns ?? [.. reference.Columns.Select(c => c.Name).Where(currentColumns.ContainsKey)];
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] is null)
            {
                problems.Add($"columns[{i}]: expected a column name, got null");
            }
        }
        names = [.. names.Where(n => n is not null)];
        foreach (var name in names.Where(n => !referenceColumns.ContainsKey(n) || !currentColumns.ContainsKey(n)))
        {
            problems.Add($"columns: '{name}' is not in both {reference.Dataset}@{reference.Version} and {current.Dataset}@{current.Version} (ids, timestamps, text and ignored columns are not compared)");
        }
        foreach (var (column, test) in request.Tests ?? new Dictionary<string, string>())
        {
            if (test is null)
            {
                problems.Add($"tests.{column}: expected a test name ({string.Join(", ", DriftTests.All.Keys)}), got null");
            }
            else if (!DriftTests.All.TryGetValue(test, out var found))
            {
                problems.Add($"tests.{column}: unknown test '{test}'; expected one of {string.Join(", ", DriftTests.All.Keys)}");
            }
            else if (found.NumericOnly && referenceColumns.TryGetValue(column, out var c) && !ColumnDistribution.From(c).IsNumeric)
            {
                problems.Add($"tests.{column}: {test} compares numbers, and '{column}' is {c.Type.ToString().ToLowerInvariant()}; use chisquare or jensenshannon");
            }
        }
        foreach (var (column, threshold) in request.Thresholds ?? new Dictionary<string, double>())
        {
            if (!double.IsFinite(threshold) || threshold < 0)
            {
                problems.Add($"thresholds.{column}: expected a non-negative number, got {threshold}");
            }
        }
        foreach (var column in (request.Tests?.Keys ?? []).Concat(request.Thresholds?.Keys ?? []).Distinct().Where(c => !names.Contains(c)))
        {
            problems.Add($"tests.{column}: '{column}' is not among the compared columns");
        }
        if (names.Count == 0)
        {
            problems.Add("columns: the two versions have no column in common to compare");
        }
        GyreException.ThrowIfAny(problems);

        var results = names.Select(name =>
        {
            var r = ColumnDistribution.From(referenceColumns[name]);
            var c = ColumnDistribution.From(currentColumns[name]);
            if (r.IsNumeric != c.IsNumeric)
            {
                throw GyreException.Invalid($"columns.{name}: numeric in one version and not in the other; they cannot be compared");
            }
            var test = request.Tests?.GetValueOrDefault(name) is { } chosen ? DriftTests.All[chosen] : DriftTests.Default(reference.Rows, r);
            var threshold = request.Thresholds is { } set && set.TryGetValue(name, out var given) ? given : test.DefaultThreshold;
            var (statistic, p) = test.Compute(r, c);
            var drifted = test.HasPValue ? p < threshold : statistic >= threshold;
            var exact = (r.Values is not null && c.Values is not null) || (!test.NumericOnly && r.Counts is not null && c.Counts is not null && !r.Counts.ContainsKey(ColumnDistribution.Other));
            return new ColumnDrift(name, r.Column.Type.ToString().ToLowerInvariant(), test.Name, statistic, p, threshold, drifted, r.Count, c.Count, exact);
        }).ToList();
        var driftedCount = results.Count(r => r.Drifted);
        var driftedShare = (double)driftedCount / results.Count;
        return new DriftReport($"{reference.Dataset}@{reference.Version}", $"{current.Dataset}@{current.Version}", results, driftedCount, driftedShare, share, driftedShare >= share);
    }
}
