using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Data.Validation;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Measures constraints with DuckDB over a stored dataset file. Fractions are over the column's
/// non-missing values (completeness is the exception: over all rows); uniqueness is Deequ's, the
/// share of rows whose value occurs exactly once. User values and patterns are quoted literals.
/// </summary>
internal sealed class DuckDbConstraintMeasurer(string tempDirectory) : IConstraintMeasurer
{
    public Task<IReadOnlyList<double?>> MeasureAsync(string path, DatasetVersion version, IReadOnlyList<Constraint> constraints, CancellationToken ct) =>
        Task.Run(() => Measure(path, version, constraints, ct), ct);

    private IReadOnlyList<double?> Measure(string path, DatasetVersion version, IReadOnlyList<Constraint> constraints, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        var columns = version.Columns;
        DuckDbTableLoader.LoadStored(spilling, path, version);
        var observed = new List<double?>(constraints.Count);
        for (var i = 0; i < constraints.Count; i++)
        {
            try
            {
                observed.Add(DuckDbSql.Query(connection, Sql(constraints[i], columns), r => r.IsDBNull(0) ? (double?)null : Convert.ToDouble(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture))[0]);
            }
            catch (DuckDBException e) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("the validation was cancelled", e, ct); // DuckDB's "Interrupted!" is not the constraint's fault
            }
            catch (DuckDBException e)
            {
                throw GyreException.Invalid($"constraints[{i}]: {e.Message.Split('\n')[0].Replace("Invalid Input Error: ", "", StringComparison.Ordinal)}");
            }
        }
        return observed;
    }

    private static string Sql(Constraint c, IReadOnlyList<ColumnSchema> columns)
    {
        var column = c.Column is null ? "" : DuckDbSql.Quote(c.Column);
        var present = $"FROM data WHERE {column} IS NOT NULL";
        return c.Type switch
        {
            ConstraintTypes.HasSize => "SELECT count(*)::DOUBLE FROM data",
            ConstraintTypes.IsComplete or ConstraintTypes.HasCompleteness => $"SELECT count({column})::DOUBLE / nullif(count(*), 0) FROM data",
            ConstraintTypes.IsUnique =>
                $"SELECT (SELECT count(*) FROM (SELECT {column} {present} GROUP BY {column} HAVING count(*) = 1))::DOUBLE / nullif(count(*), 0) FROM data",
            ConstraintTypes.IsContainedIn =>
                $"SELECT avg(CASE WHEN {column}::VARCHAR IN ({string.Join(", ", c.Values!.Select(DuckDbSql.Literal))}) THEN 1.0 ELSE 0.0 END) {present}",
            ConstraintTypes.HasMin => $"SELECT min({column}::DOUBLE) FROM data",
            ConstraintTypes.HasMax => $"SELECT max({column}::DOUBLE) FROM data",
            ConstraintTypes.HasMean => $"SELECT avg({column}::DOUBLE) FROM data",
            ConstraintTypes.IsNonNegative => $"SELECT avg(CASE WHEN {column}::DOUBLE >= 0 THEN 1.0 ELSE 0.0 END) {present}",
            ConstraintTypes.HasPattern =>
                $"SELECT avg(CASE WHEN regexp_full_match({column}::VARCHAR, {DuckDbSql.Literal(c.Pattern!)}) THEN 1.0 ELSE 0.0 END) {present}",
            // Over all rows: a row where the predicate is unknown (NULL) does not satisfy it.
            ConstraintTypes.Satisfies =>
                $"SELECT avg(CASE WHEN {DuckDbPredicate.Compile(RowPredicates.Parse(c.Predicate, columns, "predicate"), columns)} THEN 1.0 ELSE 0.0 END) FROM data",
            _ => throw new InvalidOperationException($"unknown constraint type {c.Type}"),
        };
    }
}
