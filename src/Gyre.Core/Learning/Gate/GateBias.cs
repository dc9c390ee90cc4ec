using Gyre.Core.Data.Bias;
using Gyre.Core.Models;

namespace Gyre.Core.Learning.Gate;

/// <summary>A model's bias on the gate's test data, and the checks of its bounds per group of the sensitive column.</summary>
public static class GateBias
{
    /// <summary>The bias report of a model's predictions, each row's predicted class as the model answers it (<see cref="PredictedClass"/>).</summary>
    public static BiasReport Report(string data, string sensitive, string label, BiasBounds bounds, ModelPackage package,
        IReadOnlyList<string?> groups, IReadOnlyList<string?> labels, IReadOnlyList<double[]> predictions)
    {
        var counted = Enumerable.Range(0, predictions.Count)
            .GroupBy(i => (groups[i], labels[i], PredictedClass.Of(package, predictions[i])))
            .Select(g => new BiasAnalysis.Group(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Count())).ToList();
        return BiasAnalysis.Analyse(data, sensitive, label, new BiasRequest(sensitive, label, bounds.Favourable), counted,
            package.Task == ModelTasks.Binary ? PredictedClass.PositiveClass(package) : null, BiasFields.Gate);
    }

    public static IEnumerable<GateCheck> Checks(BiasBounds bounds, BiasReport candidate, BiasReport? baseline)
    {
        foreach (var facet in candidate.Facets)
        {
            var group = $"{candidate.Sensitive}={facet.Facet}";
            var before = baseline?.Facets.FirstOrDefault(f => f.Facet == facet.Facet)?.Posttraining;
            var shares = $"predicted {candidate.Favourable} for {Percent(facet.PredictedPositiveShare!.Value)} of {group} against {Percent(facet.OtherPredictedPositiveShare!.Value)} of the others";
            var bias = facet.Posttraining!;
            if (bounds.MaxAbsDppl is { } max)
            {
                var passed = Math.Abs(bias.Dppl) <= max;
                yield return new GateCheck($"bias {group}", "dppl", passed, bias.Dppl, before?.Dppl,
                    $"DPPL of {group} {GateJudge.F(bias.Dppl)} is {(passed ? "within" : "beyond")} ±{GateJudge.F(max)} ({shares})");
            }
            if (bounds.MinDisparateImpact is { } min)
            {
                // Undefined when the others are never predicted favourable: no group is favoured over this one.
                var passed = bias.Di is not { } di || di >= min;
                yield return new GateCheck($"bias {group}", "disparate_impact", passed, bias.Di ?? double.NaN, before?.Di,
                    bias.Di is { } value
                        ? $"disparate impact of {group} {GateJudge.F(value)} is {(passed ? "at least" : "below")} {GateJudge.F(min)} ({shares})"
                        : $"disparate impact of {group} is undefined: the others are never predicted {candidate.Favourable}");
            }
        }
    }

    private static string Percent(double share) => (share * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " %";
}
