using System.Globalization;
using System.Text.Json;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// The predictions the model was least sure of: a binary classifier's nearest its decision boundary
/// (a probability's distance from 0.5, a raw score's from 0), a multiclass one's with the highest
/// entropy over its classes (raw scores through a softmax first).
/// </summary>
public sealed class UncertaintyStrategy(int size) : SampleStrategy
{
    private readonly Best _best = new(size);

    public override void Offer(PredictionRecord prediction)
    {
        if (prediction.Routing != Routings.Shadow && Uncertainty(prediction.Outputs) is { } u)
        {
            _best.Offer(new Candidate(prediction, u.Priority, u.Reason));
        }
    }

    public override IReadOnlyList<Candidate> Pick(int budget) => _best.Take(budget);

    /// <summary>How uncertain a logged answer is (higher: less sure), or null for one without scores.</summary>
    public static (double Priority, string Reason)? Uncertainty(string outputs)
    {
        using var json = JsonDocument.Parse(outputs);
        var answer = json.RootElement;
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (answer.TryGetProperty("probability", out var p) && p.ValueKind == JsonValueKind.Number)
        {
            return (-Math.Abs(p.GetDouble() - 0.5), $"uncertainty: probability {Fmt(p.GetDouble())}, {Fmt(Math.Abs(p.GetDouble() - 0.5))} from 0.5");
        }
        if (answer.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number)
        {
            return (-Math.Abs(s.GetDouble()), $"uncertainty: score {Fmt(s.GetDouble())}, {Fmt(Math.Abs(s.GetDouble()))} from 0");
        }
        var raw = answer.TryGetProperty("scores", out var all);
        if ((raw || answer.TryGetProperty("probabilities", out all)) && all.ValueKind == JsonValueKind.Object)
        {
            var values = all.EnumerateObject().Where(v => v.Value.ValueKind == JsonValueKind.Number).Select(v => v.Value.GetDouble()).ToArray();
            if (values.Length < 2)
            {
                return null;
            }
            if (raw)
            {
                var max = values.Max();
                var exp = values.Select(v => Math.Exp(v - max)).ToArray();
                values = [.. exp.Select(e => e / exp.Sum())];
            }
            var total = values.Sum();
            var entropy = -values.Where(v => v > 0).Sum(v => v / total * Math.Log(v / total));
            return (entropy, $"uncertainty: entropy {Fmt(entropy)} of at most {Fmt(Math.Log(values.Length))}");
        }
        return null;
    }

    private static string Fmt(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
