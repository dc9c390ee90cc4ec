namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// The drift tests by name, and the defaults of the most used open-source monitor (Evidently): for a
/// reference of at most 1,000 rows, Kolmogorov–Smirnov for numeric columns with more than 5
/// distinct values and chi-square for the others, drift at p &lt; 0.05; for a larger reference, the
/// normed Wasserstein distance and the Jensen–Shannon distance, drift at ≥ 0.1. PSI is available.
/// </summary>
public static class DriftTests
{
    public const string KolmogorovSmirnov = "ks";
    public const string ChiSquare = "chisquare";
    public const string Wasserstein = "wasserstein";
    public const string JensenShannon = "jensenshannon";
    public const string Psi = "psi";

    public const long SmallReferenceRows = 1000;
    public const long FewDistinctValues = 5;

    public static IReadOnlyDictionary<string, IDriftTest> All { get; } = new IDriftTest[]
    {
        new KolmogorovSmirnovTest(), new ChiSquareTest(), new WassersteinTest(), new JensenShannonTest(), new PsiTest(),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The default test for a column, from the reference's size and the column's kind.</summary>
    public static IDriftTest Default(long referenceRows, ColumnDistribution reference)
    {
        var numeric = reference.IsNumeric && reference.Column.Distinct > FewDistinctValues;
        var small = referenceRows <= SmallReferenceRows;
        return All[(numeric, small) switch
        {
            (true, true) => KolmogorovSmirnov,
            (true, false) => Wasserstein,
            (false, true) => ChiSquare,
            (false, false) => JensenShannon,
        }];
    }
}
