namespace Gyre.Core.Data.Validation;

/// <summary>Measures, over a stored version's file, the value each constraint is judged on (a size, a fraction, or a statistic).</summary>
public interface IConstraintMeasurer
{
    Task<IReadOnlyList<double?>> MeasureAsync(string path, DatasetVersion version, IReadOnlyList<Constraint> constraints, CancellationToken ct);
}
