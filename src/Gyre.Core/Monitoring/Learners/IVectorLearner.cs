namespace Gyre.Core.Monitoring.Learners;

/// <summary>
/// A small gradient-boosted model over rows of numbers, for the monitor's own estimators (direct
/// loss estimation, the domain classifier): trained in memory, asked about a window's rows. Seeded,
/// so the same rows give the same model.
/// </summary>
public interface IVectorLearner
{
    IVectorModel Regress(IReadOnlyList<double[]> rows, IReadOnlyList<double> targets, int seed);

    /// <summary>A binary classifier whose predictions are the probability of <c>true</c>.</summary>
    IVectorModel Classify(IReadOnlyList<double[]> rows, IReadOnlyList<bool> targets, int seed);
}

/// <summary>A trained vector model.</summary>
public interface IVectorModel
{
    double[] Predict(IReadOnlyList<double[]> rows);
}
