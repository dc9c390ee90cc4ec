namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// A drift test, by <see cref="Name"/> (configuration refers to it). Tests with a p-value find drift
/// when it is below the threshold; distances when the statistic reaches it.
/// </summary>
public interface IDriftTest
{
    string Name { get; }

    bool NumericOnly { get; }

    bool HasPValue { get; }

    double DefaultThreshold { get; }

    (double Statistic, double? PValue) Compute(ColumnDistribution reference, ColumnDistribution current);
}
