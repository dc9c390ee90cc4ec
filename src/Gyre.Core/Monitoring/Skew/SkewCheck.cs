using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Features.Online;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Monitoring.Skew;

/// <summary>
/// Training/serving skew for an endpoint that looks its features up: for a sample of a window's
/// logged predictions (at most <see cref="MaxSample"/>, spread over the window), each looked-up
/// feature as the model saw it (the logged row) against the value a point-in-time training set would
/// take for the same entity at the prediction's time, from the offline store as it is now. They
/// differ when the online store was behind (a materialisation late or missed), when rows arrived late
/// into the offline store, or when the caller sent a value of its own that differs from the store's:
/// each is a difference between what the model is trained on and what it serves. Numbers compare to
/// a relative 1e-9; a missing value equals only a missing value.
/// </summary>
public sealed class SkewCheck(FeatureGroups groups, IDatasetStore datasets, IDatasetObjectStore objects, ITrainingSetJoiner joiner)
{
    /// <summary>The most predictions a window's check reads.</summary>
    public const int MaxSample = 1000;

    public async Task<FeatureSkew?> CheckAsync(FeatureLookup? lookup, IReadOnlyList<LoggedPrediction> rows, CancellationToken ct)
    {
        if (lookup?.Lookup is not { Count: > 0 } features || rows.Count == 0)
        {
            return null;
        }
        List<(FeatureGroup Group, List<string> Features)> selected;
        try
        {
            selected = await FeatureSelection.SelectAsync(groups, "features.lookup", features, ct);
        }
        catch (Errors.GyreException e)
        {
            return new FeatureSkew(0, [], $"the endpoint's lookups no longer resolve: {e.Message}");
        }
        var keys = selected.SelectMany(s => s.Group.Entities).Distinct(StringComparer.Ordinal).ToList();
        var sample = new List<(LoggedPrediction Row, JsonDocument Inputs)>();
        try
        {
            // Spread over the whole window: the j-th of n sampled is at j/n of it.
            var n = Math.Min(rows.Count, MaxSample);
            for (var j = 0; j < n; j++)
            {
                var row = rows[(int)((long)j * rows.Count / n)];
                sample.Add((row, JsonDocument.Parse(row.Prediction.Inputs)));
            }
            var entities = sample.Select(s => new EntityAt(Keys(s.Inputs.RootElement, keys), s.Row.Prediction.Time)).ToList();
            var joined = new List<TrainingSetGroup>();
            foreach (var (group, wanted) in selected)
            {
                joined.Add(await TrainingSetGroup.ResolveAsync(group, wanted, datasets, objects, ct));
            }
            var offline = await joiner.AsOfAsync(entities, joined, ct);
            return Compare(selected, sample, offline);
        }
        finally
        {
            foreach (var (_, inputs) in sample)
            {
                inputs.Dispose();
            }
        }
    }

    private static FeatureSkew Compare(List<(FeatureGroup Group, List<string> Features)> selected, List<(LoggedPrediction Row, JsonDocument Inputs)> sample, IReadOnlyList<string?[]> offline)
    {
        var result = new List<SkewedFeature>();
        for (var g = 0; g < selected.Count; g++)
        {
            var (group, features) = selected[g];
            var compared = new int[features.Count];
            var mismatches = new int[features.Count];
            var examples = new SkewExample?[features.Count];
            for (var r = 0; r < sample.Count; r++)
            {
                var inputs = sample[r].Inputs.RootElement;
                if (inputs.ValueKind != JsonValueKind.Object || !group.Entities.All(k => inputs.TryGetProperty(k, out _)))
                {
                    continue; // not a row this lookup filled
                }
                using var values = offline[r][g] is { } json ? JsonDocument.Parse(json) : null;
                for (var f = 0; f < features.Count; f++)
                {
                    if (!inputs.TryGetProperty(features[f], out var served))
                    {
                        continue;
                    }
                    compared[f]++;
                    JsonElement? expected = values is not null && values.RootElement.TryGetProperty(features[f], out var v) ? v : null;
                    if (!Same(served, expected))
                    {
                        mismatches[f]++;
                        examples[f] ??= new SkewExample(sample[r].Row.Prediction.PredictionId, served.GetRawText(), expected?.GetRawText());
                    }
                }
            }
            result.AddRange(features.Select((feature, f) => new SkewedFeature(feature, group.Name, compared[f], mismatches[f],
                compared[f] == 0 ? 0 : (double)mismatches[f] / compared[f], examples[f])));
        }
        return new FeatureSkew(sample.Count, result);
    }

    private static Dictionary<string, string> Keys(JsonElement inputs, List<string> keys)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (inputs.ValueKind == JsonValueKind.Object && inputs.TryGetProperty(key, out var value) && EntityKeys.Text(value) is { } text)
            {
                found[key] = text;
            }
        }
        return found;
    }

    /// <summary>Whether the served value is the offline one: null only equals missing; numbers to a relative 1e-9; anything else as text.</summary>
    internal static bool Same(JsonElement served, JsonElement? offline)
    {
        var missing = served.ValueKind == JsonValueKind.Null;
        if (offline is not { ValueKind: not JsonValueKind.Null } expected)
        {
            return missing;
        }
        if (missing)
        {
            return false;
        }
        if (served.ValueKind == JsonValueKind.Number && expected.ValueKind == JsonValueKind.Number)
        {
            var (a, b) = (served.GetDouble(), expected.GetDouble());
            return Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
        }
        return served.ValueKind == JsonValueKind.String && expected.ValueKind == JsonValueKind.String
            ? served.GetString() == expected.GetString()
            : served.GetRawText() == expected.GetRawText();
    }
}
