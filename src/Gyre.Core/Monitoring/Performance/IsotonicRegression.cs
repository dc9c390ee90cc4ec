namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// Isotonic regression of 0/1 outcomes on scores by pool-adjacent-violators, kept as scikit-learn's
/// <c>IsotonicRegression(out_of_bounds="clip")</c> keeps it: the first and last score of each
/// constant block with its value, interpolated linearly between blocks and clipped beyond the ends.
/// It is the non-decreasing step function closest to the outcomes in squared error.
/// </summary>
public sealed record IsotonicRegression(IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public static IsotonicRegression Fit(IReadOnlyList<double> scores, IReadOnlyList<bool> outcomes)
    {
        // Equal scores are one point, weighted by their count (scikit-learn does the same).
        var points = Enumerable.Range(0, scores.Count).GroupBy(i => scores[i]).OrderBy(g => g.Key)
            .Select(g => (X: g.Key, Sum: g.Sum(i => outcomes[i] ? 1.0 : 0.0), Weight: (double)g.Count())).ToList();
        var blocks = new List<(double First, double Last, double Sum, double Weight)>();
        foreach (var (x, sum, weight) in points)
        {
            blocks.Add((x, x, sum, weight));
            // Pool while the newest block's mean is below the one before it.
            while (blocks.Count > 1 && blocks[^1].Sum / blocks[^1].Weight < blocks[^2].Sum / blocks[^2].Weight)
            {
                var (last, before) = (blocks[^1], blocks[^2]);
                blocks.RemoveAt(blocks.Count - 1);
                blocks[^1] = (before.First, last.Last, before.Sum + last.Sum, before.Weight + last.Weight);
            }
        }
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var block in blocks)
        {
            var value = block.Sum / block.Weight;
            xs.Add(block.First);
            ys.Add(value);
            if (block.Last > block.First)
            {
                xs.Add(block.Last);
                ys.Add(value);
            }
        }
        return new IsotonicRegression(xs, ys);
    }

    public double Apply(double score)
    {
        if (score <= X[0])
        {
            return Y[0];
        }
        if (score >= X[^1])
        {
            return Y[^1];
        }
        var (lo, hi) = (0, X.Count - 1);
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            (lo, hi) = X[mid] <= score ? (mid, hi) : (lo, mid);
        }
        return Y[lo] + ((Y[hi] - Y[lo]) * (score - X[lo]) / (X[hi] - X[lo]));
    }
}
