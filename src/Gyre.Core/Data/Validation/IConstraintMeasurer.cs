namespace Gyre.Core.Data.Validation;

/// <summary>Measures, over a dataset file, the value each constraint is judged on (a size, a fraction, or a statistic).</summary>
public interface IConstraintMeasurer
{
    Task<IReadOnlyList<double?>> MeasureAsync(string path, DatasetFormat format, IReadOnlyList<Constraint> constraints, IReadOnlyList<ColumnSchema> columns, CancellationToken ct);
}
