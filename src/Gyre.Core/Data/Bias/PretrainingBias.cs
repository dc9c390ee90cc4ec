namespace Gyre.Core.Data.Bias;

/// <summary>
/// SageMaker Clarify's pre-training bias metrics of facet d against the other rows (facet a), on the
/// observed labels: class imbalance <c>Ci = (n_a − n_d) / (n_a + n_d)</c>; difference in proportions
/// of labels <c>Dpl = n_a⁽¹⁾/n_a − n_d⁽¹⁾/n_d</c>; the Kullback–Leibler <c>Kl = Σ P_a log(P_a / P_d)</c>
/// and Jensen–Shannon <c>Js = ½ (KL(P_a‖P) + KL(P_d‖P))</c>, P = ½ (P_a + P_d), divergences of the two
/// facets' label distributions (natural logarithms); and <c>Ks = max |P_a(y) − P_d(y)|</c>. KL is null
/// when a label that facet a has never occurs in facet d (it is infinite).
/// </summary>
public sealed record PretrainingBias(double Ci, double Dpl, double? Kl, double Js, double Ks)
{
    public static PretrainingBias Of(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> d, string favourable)
    {
        double na = a.Values.Sum(), nd = d.Values.Sum();
        var labels = a.Keys.Union(d.Keys).ToList();
        double Pa(string y) => a.GetValueOrDefault(y) / na;
        double Pd(string y) => d.GetValueOrDefault(y) / nd;
        var kl = labels.Any(y => Pa(y) > 0 && Pd(y) == 0) ? (double?)null : labels.Where(y => Pa(y) > 0).Sum(y => Pa(y) * Math.Log(Pa(y) / Pd(y)));
        double Half(Func<string, double> p) => labels.Where(y => p(y) > 0).Sum(y => p(y) * Math.Log(p(y) / ((Pa(y) + Pd(y)) / 2)));
        return new PretrainingBias((na - nd) / (na + nd), Pa(favourable) - Pd(favourable), kl, (Half(Pa) + Half(Pd)) / 2, labels.Max(y => Math.Abs(Pa(y) - Pd(y))));
    }
}
