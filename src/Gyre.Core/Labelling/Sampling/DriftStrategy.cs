using System.Globalization;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>The feature that drifted most in a monitor window, and its distribution in the monitor's reference.</summary>
public sealed record DriftTarget(string Column, long Window, ColumnDistribution Reference);

/// <summary>
/// The rows whose value of the feature that drifted most the reference holds least: a number's
/// distance from the reference's median in quantiles (its tails first), a category's rarity in the
/// reference (a value it never had first). These are the rows the model learnt least about.
/// </summary>
public sealed class DriftStrategy(DriftTarget target, int size) : SampleStrategy
{
    private readonly Best _best = new(size);

    public override void Offer(PredictionRecord prediction)
    {
        if (prediction.Routing != Routings.Shadow && Atypical(prediction.Inputs) is { } a)
        {
            _best.Offer(new Candidate(prediction, a.Priority, a.Reason));
        }
    }

    public override IReadOnlyList<Candidate> Pick(int budget) => _best.Take(budget);

    private (double Priority, string Reason)? Atypical(string inputs)
    {
        var reference = target.Reference;
        var tail = $"{target.Column} drifted most in monitor window {target.Window}";
        if (reference.IsNumeric && (reference.Values is { Length: > 0 } || reference.Quantiles is not null))
        {
            if (InputValues.Number(inputs, target.Column) is not { } x)
            {
                return null;
            }
            var quantile = (reference.Cdf(x, strict: true) + reference.Cdf(x)) / 2;
            return (Math.Abs(quantile - 0.5) * 2, $"drift: {target.Column} = {Fmt(x)}, at quantile {Fmt(quantile)} of the reference; {tail}");
        }
        if (reference.Counts is { Count: > 0 } counts)
        {
            var value = InputValues.Text(inputs, target.Column);
            if (value == InputValues.Missing)
            {
                return null;
            }
            var share = counts.GetValueOrDefault(value) / (double)Math.Max(1, counts.Values.Sum());
            return (1 - share, $"drift: {target.Column} = {value}, {Fmt(share * 100)}% of the reference; {tail}");
        }
        return null;
    }

    private static string Fmt(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
