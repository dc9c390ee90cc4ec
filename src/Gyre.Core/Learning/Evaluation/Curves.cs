namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// ROC and precision–recall curves as scikit-learn's <c>roc_curve</c> and
/// <c>precision_recall_curve</c> compute them (a point per distinct score, from the highest; the ROC
/// curve starts at (0, 0) with an infinite threshold, the precision–recall curve ends at recall 0
/// and precision 1), and a sample of a regression's residuals, for the run page's charts.
/// </summary>
public static class Curves
{
    public const int MaxPoints = 200;
    public const int MaxResiduals = 500;

    public static EvaluationCurves Binary(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var (fps, tps, thresholds) = Cumulative(labels, scores);
        var positives = tps.Count > 0 ? tps[^1] : 0;
        var negatives = fps.Count > 0 ? fps[^1] : 0;
        var roc = new List<CurvePoint> { new(0, 0, double.PositiveInfinity) };
        roc.AddRange(fps.Select((fp, i) => new CurvePoint(negatives == 0 ? 0 : fp / negatives, positives == 0 ? 0 : tps[i] / positives, thresholds[i])));
        // Precision–recall from the lowest threshold up, as scikit-learn orders it, ending at (recall 0, precision 1).
        var pr = new List<CurvePoint>();
        for (var i = fps.Count - 1; i >= 0; i--)
        {
            var predicted = tps[i] + fps[i];
            pr.Add(new CurvePoint(positives == 0 ? 0 : tps[i] / positives, predicted == 0 ? 1 : tps[i] / predicted, thresholds[i]));
        }
        pr.Add(new CurvePoint(0, 1, double.PositiveInfinity));
        return new EvaluationCurves(Thin(roc), Thin(pr));
    }

    /// <summary>Up to <see cref="MaxResiduals"/> rows, evenly spaced through the test part (so the sample is the same every time).</summary>
    public static EvaluationCurves Regression(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        var step = Math.Max(1, actual.Count / (double)MaxResiduals);
        var points = new List<ResidualPoint>();
        for (var i = 0.0; (int)i < actual.Count && points.Count < MaxResiduals; i += step)
        {
            var k = (int)i;
            points.Add(new ResidualPoint(predicted[k], actual[k] - predicted[k]));
        }
        return new EvaluationCurves(Residuals: points);
    }

    /// <summary>The area under a curve by the trapezoidal rule (its points in order of x).</summary>
    public static double Area(IReadOnlyList<CurvePoint> curve)
    {
        double area = 0;
        for (var i = 1; i < curve.Count; i++)
        {
            area += (curve[i].X - curve[i - 1].X) * (curve[i].Y + curve[i - 1].Y) / 2;
        }
        return Math.Abs(area);
    }

    /// <summary>False and true positives counted down the distinct scores, highest first, and those scores.</summary>
    private static (List<double> Fps, List<double> Tps, List<double> Thresholds) Cumulative(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToList();
        var (fps, tps, thresholds) = (new List<double>(), new List<double>(), new List<double>());
        double fp = 0, tp = 0;
        for (var k = 0; k < order.Count; k++)
        {
            var i = order[k];
            if (labels[i])
            {
                tp++;
            }
            else
            {
                fp++;
            }
            // A point where the score changes: rows with equal scores fall on the same side of any threshold.
            if (k == order.Count - 1 || scores[order[k + 1]] != scores[i])
            {
                fps.Add(fp);
                tps.Add(tp);
                thresholds.Add(scores[i]);
            }
        }
        return (fps, tps, thresholds);
    }

    /// <summary>At most <see cref="MaxPoints"/> points, evenly spaced along the curve, the first and last kept.</summary>
    private static List<CurvePoint> Thin(List<CurvePoint> curve)
    {
        if (curve.Count <= MaxPoints)
        {
            return curve;
        }
        var step = (curve.Count - 1) / (double)(MaxPoints - 1);
        return [.. Enumerable.Range(0, MaxPoints).Select(i => curve[(int)Math.Round(i * step)])];
    }
}
