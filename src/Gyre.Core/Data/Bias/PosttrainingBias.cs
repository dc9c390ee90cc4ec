namespace Gyre.Core.Data.Bias;

/// <summary>
/// SageMaker Clarify's post-training bias metrics of facet d against the other rows (facet a), on
/// the favourable outcome predicted and observed: difference in positive proportions in predicted
/// labels <c>Dppl = n̂_a⁽¹⁾/n_a − n̂_d⁽¹⁾/n_d</c>; disparate impact <c>Di = (n̂_d⁽¹⁾/n_d) / (n̂_a⁽¹⁾/n_a)</c>
/// (the four-fifths rule flags Di &lt; 0.8); difference in conditional acceptance
/// <c>Dcacc = n_a⁽¹⁾/n̂_a⁽¹⁾ − n_d⁽¹⁾/n̂_d⁽¹⁾</c>; recall difference <c>Rd = recall_a − recall_d</c>;
/// accuracy difference <c>Ad = accuracy_a − accuracy_d</c>; treatment equality
/// <c>Te = FN_d/FP_d − FN_a/FP_a</c>. A metric whose denominator is zero is null (undefined).
/// </summary>
public sealed record PosttrainingBias(double Dppl, double? Di, double? Dcacc, double? Rd, double Ad, double? Te)
{
    public static PosttrainingBias Of(FacetCounts a, FacetCounts d)
    {
        double qa = Ratio(a.PredictedPositive, a.Rows)!.Value, qd = Ratio(d.PredictedPositive, d.Rows)!.Value;
        return new PosttrainingBias(
            qa - qd,
            qa == 0 ? null : qd / qa,
            Ratio(a.Positive, a.PredictedPositive) - Ratio(d.Positive, d.PredictedPositive),
            Ratio(a.TruePositive, a.TruePositive + a.FalseNegative) - Ratio(d.TruePositive, d.TruePositive + d.FalseNegative),
            Ratio(a.TruePositive + a.TrueNegative, a.Rows)!.Value - Ratio(d.TruePositive + d.TrueNegative, d.Rows)!.Value,
            Ratio(d.FalseNegative, d.FalsePositive) - Ratio(a.FalseNegative, a.FalsePositive));
    }

    private static double? Ratio(long numerator, long denominator) => denominator == 0 ? null : numerator / (double)denominator;
}
