namespace Gyre.Core.Monitoring.Learners;

/// <summary>
/// A small gradient-boosted model over rows of numbers, for the monitor's own estimators (direct
/// loss estimation): trained on a reference in memory, asked about a window's rows. Seeded, so the
/// same reference gives the same model.
/// </summary>
public interface IVectorLearner
{
    IVectorModel Regress(IReadOnlyList<double[]> rows, IReadOnlyList<double> targets, int seed);
}

/// <summary>A trained vector model.</summary>
public interface IVectorModel
{
    double[] Predict(IReadOnlyList<double[]> rows);
}
