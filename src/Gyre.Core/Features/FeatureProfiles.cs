using Gyre.Core.Data;

namespace Gyre.Core.Features;

/// <summary>
/// A feature across a group's whole offline store, combined from its parts' stored profiles (no
/// file is read again): the values and missing ones, the range, the mean and sample standard
/// deviation (pooled exactly from each part's count, mean and population deviation), the most frequent
/// values (summed over each part's own most frequent, so a value rare in every part may be missing),
/// and each part's mean, to see a feature move from one ingest to the next.
/// </summary>
public sealed record FeatureProfile(string Feature, ColumnType Type, long Count, long Missing, double? Min, double? Max, double? Mean, double? Stddev,
    IReadOnlyList<ValueCount>? TopValues, IReadOnlyList<PartMean> ByPart);

/// <summary>A part's mean of a numeric feature, and when the part joined the group.</summary>
public sealed record PartMean(string Part, long Time, long Count, double? Mean);

public sealed class FeatureProfiles(FeatureGroups groups, IDatasetStore datasets)
{
    /// <summary>How many most frequent values a profile keeps.</summary>
    public const int TopValues = 10;

    public async Task<IReadOnlyList<FeatureProfile>> ProfileAsync(string name, CancellationToken ct)
    {
        var group = await groups.GetAsync(name, ct);
        var parts = new List<(FeatureGroupPart Part, DatasetProfile Profile)>();
        foreach (var part in group.Parts)
        {
            parts.Add((part, await datasets.GetProfileAsync(part.Dataset, part.Version, ct)));
        }
        return [.. group.Features.Select(feature => Combine(feature, parts))];
    }

    internal static FeatureProfile Combine(FeatureColumn feature, IReadOnlyList<(FeatureGroupPart Part, DatasetProfile Profile)> parts)
    {
        var columns = parts.Select(p => (p.Part, Column: p.Profile.Columns.FirstOrDefault(c => c.Name == feature.Name))).ToList();
        var present = columns.Where(c => c.Column is not null).Select(c => c.Column!).ToList();
        var count = present.Sum(c => c.Count);
        var missing = present.Sum(c => c.Missing);
        var numeric = present.Where(c => c is { Count: > 0, Mean: not null }).ToList();
        double? mean = null, stddev = null;
        if (numeric.Count > 0)
        {
            var n = numeric.Sum(c => (double)c.Count);
            var sum = numeric.Sum(c => c.Count * c.Mean!.Value);
            var squares = numeric.Sum(c => c.Count * (Math.Pow(c.StddevPopulation ?? 0, 2) + c.Mean!.Value * c.Mean.Value));
            mean = sum / n;
            stddev = n > 1 ? Math.Sqrt(Math.Max(0, squares / n - mean.Value * mean.Value) * n / (n - 1)) : null;
        }
        // A vector's most frequent values are whole arrays: not shown.
        var top = feature.Dimensions is null && present.Any(c => c.TopValues is not null)
            ? present.SelectMany(c => c.TopValues ?? []).GroupBy(v => v.Value, StringComparer.Ordinal)
                .Select(g => new ValueCount(g.Key, g.Sum(v => v.Count))).OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).Take(TopValues).ToList()
            : null;
        return new FeatureProfile(feature.Name, feature.Type, count, missing,
            numeric.Count > 0 ? numeric.Min(c => c.Min) : null, numeric.Count > 0 ? numeric.Max(c => c.Max) : null, mean, stddev, top,
            [.. columns.Select(c => new PartMean($"{c.Part.Dataset}@{c.Part.Version}", c.Part.Time, c.Column?.Count ?? 0, c.Column?.Mean))]);
    }
}
