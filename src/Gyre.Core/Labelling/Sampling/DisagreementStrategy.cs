using System.Globalization;
using System.Text.Json;
using Gyre.Core.Monitoring.Performance;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// The primary variant's predictions that another variant (a shadow, or a canary) answered
/// differently for the same inputs: another class, or a number more than 5% away; the widest
/// difference in score first. A shadow answers every request it copies; a canary only the inputs
/// it was sent too. The primary's prediction is the item.
/// </summary>
public sealed class DisagreementStrategy(string primary, int size) : SampleStrategy
{
    private readonly Dictionary<string, List<PredictionRecord>> _primary = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PredictionRecord> _others = new(StringComparer.Ordinal);
    private int _held;

    public override void Offer(PredictionRecord prediction)
    {
        if (_held >= MaxHeld)
        {
            return;
        }
        if (prediction.Variant == primary && prediction.Routing != Routings.Shadow)
        {
            if (!_primary.TryGetValue(prediction.Inputs, out var same))
            {
                _primary[prediction.Inputs] = same = [];
            }
            same.Add(prediction);
            _held++;
        }
        else if (_others.TryAdd(prediction.Inputs, prediction))
        {
            _held++;
        }
    }

    public override IReadOnlyList<Candidate> Pick(int budget)
    {
        var best = new Best(Math.Min(budget, size));
        foreach (var (inputs, other) in _others)
        {
            if (!_primary.TryGetValue(inputs, out var answered))
            {
                continue;
            }
            foreach (var mine in answered)
            {
                if (Difference(mine.Outputs, other.Outputs) is { } difference)
                {
                    best.Offer(new Candidate(mine, difference,
                        $"disagreement: {mine.Variant} answered {Said(mine.Outputs)}, {other.Variant} answered {Said(other.Outputs)}"));
                }
            }
        }
        return best.Take(budget);
    }

    /// <summary>How far two answers differ, or null when they agree.</summary>
    private static double? Difference(string a, string b)
    {
        using var left = JsonDocument.Parse(a);
        using var right = JsonDocument.Parse(b);
        var (x, y) = (left.RootElement, right.RootElement);
        if (x.ValueKind == JsonValueKind.Number && y.ValueKind == JsonValueKind.Number)
        {
            var (p, q) = (x.GetDouble(), y.GetDouble());
            var relative = Math.Abs(p - q) / Math.Max(Math.Max(Math.Abs(p), Math.Abs(q)), 1e-12);
            return relative > 0.05 ? relative : null;
        }
        if (x.ValueKind == JsonValueKind.Object && y.ValueKind == JsonValueKind.Object
            && x.TryGetProperty("label", out var l1) && y.TryGetProperty("label", out var l2) && l1.GetRawText() != l2.GetRawText())
        {
            return 1 + (LoggedScores.Positive(x) is { } s1 && LoggedScores.Positive(y) is { } s2 ? Math.Abs(s1 - s2) : 0);
        }
        return null;
    }

    private static string Said(string outputs)
    {
        using var json = JsonDocument.Parse(outputs);
        var answer = json.RootElement;
        if (answer.ValueKind == JsonValueKind.Number)
        {
            return answer.GetDouble().ToString("0.####", CultureInfo.InvariantCulture);
        }
        var label = answer.TryGetProperty("label", out var l) ? l.ToString() : answer.GetRawText();
        return LoggedScores.Positive(answer) is { } score ? $"{label} ({score.ToString("0.###", CultureInfo.InvariantCulture)})" : label;
    }
}
