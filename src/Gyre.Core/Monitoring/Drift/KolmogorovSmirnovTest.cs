namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// The two-sample Kolmogorov–Smirnov test, as SciPy's <c>ks_2samp</c> (two-sided, method auto): the
/// largest distance between the two empirical CDFs, and its p-value — exact (lattice paths) when
/// neither sample has more than 10,000 values, else Kolmogorov's limiting distribution at
/// √(n·m/(n+m))·D (SciPy uses the finite-n distribution there; the two agree to about 1/√n).
/// </summary>
public sealed class KolmogorovSmirnovTest : IDriftTest
{
    public const int ExactMaxSize = 10_000;

    public string Name => DriftTests.KolmogorovSmirnov;

    public bool NumericOnly => true;

    public bool HasPValue => true;

    public double DefaultThreshold => 0.05;

    public (double Statistic, double? PValue) Compute(ColumnDistribution reference, ColumnDistribution current)
    {
        var d = Statistic(reference, current);
        return (d, PValue(d, reference.Count, current.Count));
    }

    public static double Statistic(ColumnDistribution a, ColumnDistribution b)
    {
        if (a.Values is { } x && b.Values is { } y)
        {
            return Exact(x, y);
        }
        // Read off the grids: the CDFs compared just at and just below every point either side has.
        var points = (a.Values ?? a.Quantiles!).Concat(b.Values ?? b.Quantiles!).Distinct();
        return points.Max(p => Math.Max(Math.Abs(a.Cdf(p) - b.Cdf(p)), Math.Abs(a.Cdf(p, strict: true) - b.Cdf(p, strict: true))));
    }

    private static double Exact(double[] x, double[] y)
    {
        double n = x.Length, m = y.Length, d = 0;
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] == v)
            {
                i++;
            }
            while (j < y.Length && y[j] == v)
            {
                j++;
            }
            d = Math.Max(d, Math.Abs((i / n) - (j / m)));
        }
        return d;
    }

    public static double PValue(double d, long n, long m)
    {
        if (n == 0 || m == 0)
        {
            return 1;
        }
        return Math.Max(n, m) <= ExactMaxSize ? ExactPValue(d, (int)n, (int)m) : KolmogorovSurvival(Math.Sqrt((double)n * m / (n + m)) * d);
    }

    /// <summary>
    /// P(D ≥ d) for samples of n and m from one continuous distribution: one minus the probability
    /// that a random monotone lattice path from (0, 0) to (n, m) keeps |i/n − j/m| below d, counted in
    /// integers (h = d·lcm(n, m)) so that rounding cannot move a point across the boundary. Paths are
    /// followed as probabilities, step by step, so nothing overflows.
    /// </summary>
    private static double ExactPValue(double d, int n, int m)
    {
        var g = Gcd(n, m);
        long a = n / g, b = m / g;
        var lcm = (long)n * b;
        var h = (long)Math.Round(d * lcm);
        if (h == 0)
        {
            return 1;
        }
        // Point (i, j): i values of the first sample and j of the second seen; inside when |i·b − j·a| < h.
        bool Inside(long i, long j) => Math.Abs((i * b) - (j * a)) < h;
        var row = new double[m + 1];
        var next = new double[m + 1];
        row[0] = 1;
        for (var j = 1; j <= m; j++)
        {
            // Along the first row only the second sample moves: each step goes up with probability (m − j + 1)/(n + m − j + 1).
            row[j] = Inside(0, j) ? row[j - 1] * (m - j + 1) / (n + m - j + 1) : 0;
        }
        for (var i = 1; i <= n; i++)
        {
            Array.Clear(next);
            var lo = Math.Max(0, (int)Math.Floor((((double)i * b) - h) / a));
            var hi = Math.Min(m, (int)Math.Ceiling((((double)i * b) + h) / a));
            for (var j = lo; j <= hi; j++)
            {
                if (!Inside(i, j))
                {
                    continue;
                }
                // Arrive from the left (a step of the first sample) or from below (a step of the second).
                var restLeft = (double)(n - i + 1 + m - j);
                var fromLeft = row[j] * (n - i + 1) / restLeft;
                var fromBelow = j > 0 ? next[j - 1] * (m - j + 1) / (n - i + m - j + 1) : 0;
                next[j] = fromLeft + fromBelow;
            }
            (row, next) = (next, row);
        }
        return Math.Clamp(1 - row[m], 0, 1);
    }

    /// <summary>Kolmogorov's limiting survival function Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²).</summary>
    public static double KolmogorovSurvival(double lambda)
    {
        if (lambda <= 0)
        {
            return 1;
        }
        if (lambda < 1.18)
        {
            // The series above converges slowly here; its Jacobi-theta twin converges fast.
            var z = -(Math.PI * Math.PI) / (8 * lambda * lambda);
            var sum = 0.0;
            for (var k = 1; k < 20; k += 2)
            {
                sum += Math.Exp(k * k * z);
            }
            return Math.Clamp(1 - (Math.Sqrt(2 * Math.PI) / lambda * sum), 0, 1);
        }
        var total = 0.0;
        for (var k = 1; k <= 100; k++)
        {
            var term = Math.Exp(-2.0 * k * k * lambda * lambda);
            total += (k % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-18)
            {
                break;
            }
        }
        return Math.Clamp(total, 0, 1);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
