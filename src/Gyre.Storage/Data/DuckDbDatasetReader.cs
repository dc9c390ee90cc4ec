using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Reads CSV and Parquet files with DuckDB, in process: loads the file once into a DuckDB table
/// (<see cref="DuckDbTableLoader"/>), infers the schema (a string column's distinct count tells
/// categorical from free text), computes the profile, and counts values outside declared domains.
/// DuckDB's own messages, which carry line numbers for malformed CSV, become invalid_argument errors.
/// </summary>
internal sealed class DuckDbDatasetReader(string tempDirectory) : IDatasetReader
{
    public Task<DatasetFile> InspectAsync(string path, DatasetFormat format, ReadOptions options,
        IReadOnlyDictionary<string, IReadOnlyList<string>> domains, CancellationToken ct) =>
        Task.Run(() => Inspect(path, format, options, domains, ct), ct);

    public Task<(long Line, string Value)?> FirstMisfitAsync(string path, string column, ColumnType wanted, CancellationToken ct) =>
        Task.Run<(long Line, string Value)?>(() =>
        {
            var type = wanted switch
            {
                ColumnType.Integer => "BIGINT",
                ColumnType.Float => "DOUBLE",
                ColumnType.Boolean => "BOOLEAN",
                ColumnType.Datetime => "TIMESTAMPTZ",
                _ => null,
            };
            if (type is null)
            {
                return null;
            }
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            return DuckDbTableLoader.FirstMisfit(spilling, path, column, type);
        }, ct);

    private DatasetFile Inspect(string path, DatasetFormat format, ReadOptions options, IReadOnlyDictionary<string, IReadOnlyList<string>> domains, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        try
        {
            // Loaded once into DuckDB's columnar memory (spilling to its folder if it must),
            // so that the schema and every statistic read the file a single time.
            var skipped = DuckDbTableLoader.Load(spilling, path, format, options, keepOrder: false);
            // DuckDB's interrupt reaches only a running query: a cancel that lands between two is seen here.
            ct.ThrowIfCancellationRequested();
            var described = DuckDbSql.Query(connection, "DESCRIBE data", r => (Name: r.GetString(0), Type: r.GetString(1)));
            if (described.Count == 0)
            {
                throw GyreException.Invalid("body: the file has no columns");
            }
            var rows = DuckDbSql.Query(connection, "SELECT count(*) FROM data", r => r.GetInt64(0))[0];
            var counts = DuckDbProfiler.Counts(connection, "data", described.Select(c => c.Name).ToList(), rows);
            var columns = described.Select((c, i) =>
            {
                var type = ColumnTypes.FromEngineType(c.Type)
                    ?? (ColumnTypes.IsCategorical(counts[i].Distinct, counts[i].Count) ? ColumnType.Categorical : ColumnType.Text);
                return new ColumnSchema(c.Name, type, counts[i].Missing > 0, c.Type);
            }).ToList();
            ct.ThrowIfCancellationRequested();
            var profile = DuckDbProfiler.Profile(connection, "data", columns, counts, rows);
            ct.ThrowIfCancellationRequested();
            return new DatasetFile(rows, columns, profile, skipped, DomainViolations(connection, columns, domains));
        }
        catch (DuckDBException e) when (ct.IsCancellationRequested)
        {
            // An interrupted query fails with DuckDB's "Interrupted!", which says nothing of the file.
            throw new OperationCanceledException("the inspection was cancelled", e, ct);
        }
        catch (DuckDBException e)
        {
            throw DuckDbTableLoader.Unreadable(e, format);
        }
    }

    /// <summary>Per declared domain over a present column: how many values lie outside it, and a few of them.</summary>
    private static List<DomainViolation> DomainViolations(DuckDBConnection connection, IReadOnlyList<ColumnSchema> columns, IReadOnlyDictionary<string, IReadOnlyList<string>> domains)
    {
        var violations = new List<DomainViolation>();
        foreach (var column in columns)
        {
            if (!domains.TryGetValue(column.Name, out var values))
            {
                continue;
            }
            var c = $"{DuckDbSql.Quote(column.Name)}::VARCHAR";
            var outside = $"FROM data WHERE {c} IS NOT NULL AND {c} NOT IN ({string.Join(", ", values.Select(DuckDbSql.Literal))})";
            var count = DuckDbSql.Query(connection, $"SELECT count(*) {outside}", r => r.GetInt64(0))[0];
            if (count > 0)
            {
                var examples = DuckDbSql.Query(connection, $"SELECT DISTINCT {c} AS v {outside} ORDER BY v LIMIT 3", r => r.GetString(0));
                violations.Add(new DomainViolation(column.Name, count, examples));
            }
        }
        return violations;
    }
}
