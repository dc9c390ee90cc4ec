using Gyre.Core.Data;
using Gyre.Core.Learning.Training;

namespace Gyre.Storage.Data;

/// <summary>
/// Writes a stored version's columns as the CSV a trainer reads, with DuckDB: the label first —
/// as its class index when classes are given, "true"/"false" for a binary task's positive class —
/// then the features, numbers as doubles and categories as text.
/// </summary>
internal sealed class DuckDbDatasetExporter(string tempDirectory) : IDatasetExporter
{
    public Task ExportAsync(string path, DatasetVersion version, string label, IReadOnlyList<string>? classes, IReadOnlyList<string> features,
        string outputPath, CancellationToken ct) => Task.Run(() =>
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        DuckDbTableLoader.LoadStored(spilling, path, version);
        Write(spilling, version, label, classes, features, null, 0, outputPath);
    }, ct);

    public Task ExportPermutedAsync(string path, DatasetVersion version, string label, IReadOnlyList<string>? classes, IReadOnlyList<string> features,
        IReadOnlyList<(string Feature, string OutputPath)> permuted, int seed, CancellationToken ct) => Task.Run(() =>
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        DuckDbTableLoader.LoadStored(spilling, path, version);
        foreach (var (feature, outputPath) in permuted)
        {
            Write(spilling, version, label, classes, features, feature, seed, outputPath);
        }
    }, ct);

    private static void Write(SpillingConnection spilling, DatasetVersion version, string label, IReadOnlyList<string>? classes, IReadOnlyList<string> features,
        string? permute, int seed, string outputPath)
    {
        var types = version.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.OrdinalIgnoreCase);
        var y = "data." + DuckDbSql.Quote(label);
        var labelSql = classes switch
        {
            null => $"{y}::DOUBLE",
            { Count: 2 } => $"CASE WHEN {y}::VARCHAR = {DuckDbSql.Literal(classes[1])} THEN 'true' ELSE 'false' END",
            _ => $"list_position([{string.Join(", ", classes.Select(DuckDbSql.Literal))}], {y}::VARCHAR) - 1",
        };
        var columns = features.Select(f =>
        {
            // A permuted feature takes its values from the shuffled copy of its column.
            var source = f == permute ? "shuffled.value" : "data." + DuckDbSql.Quote(f);
            var type = types[f] is ColumnType.Integer or ColumnType.Float ? "DOUBLE" : "VARCHAR";
            return $"{source}::{type} AS {DuckDbSql.Quote(f)}";
        });
        var from = permute is null
            ? "data"
            : $"data JOIN (SELECT row_number() OVER (ORDER BY md5_number('{seed}:' || rowid::VARCHAR), rowid) - 1 AS position, {DuckDbSql.Quote(permute)} AS value FROM data) AS shuffled ON data.rowid = shuffled.position";
        DuckDbSql.Execute(spilling.Connection,
            $"COPY (SELECT {labelSql} AS {IDatasetExporter.LabelColumn}, {string.Join(", ", columns)} FROM {from} ORDER BY data.rowid) TO {DuckDbSql.Literal(outputPath)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')");
    }

    public Task ExportCsvAsync(string path, DatasetVersion version, string outputPath, CancellationToken ct) => Task.Run(() =>
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        DuckDbTableLoader.LoadStored(spilling, path, version);
        var columns = string.Join(", ", version.Columns.Select(c => DuckDbSql.Quote(c.Name)));
        DuckDbSql.Execute(spilling.Connection,
            $"COPY (SELECT {columns} FROM data ORDER BY rowid) TO {DuckDbSql.Literal(outputPath)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')");
    }, ct);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string?>>> ColumnsAsync(string path, DatasetVersion version, IReadOnlyList<string> columns, CancellationToken ct) =>
        Task.Run(() =>
        {
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            DuckDbTableLoader.LoadStored(spilling, path, version);
            return (IReadOnlyDictionary<string, IReadOnlyList<string?>>)columns.ToDictionary(c => c, c => (IReadOnlyList<string?>)DuckDbSql.Query(spilling.Connection,
                $"SELECT {DuckDbSql.Quote(c)}::VARCHAR FROM data ORDER BY rowid", r => r.IsDBNull(0) ? null : r.GetString(0)));
        }, ct);

    public Task<(IReadOnlyList<string> Values, long Missing)> DistinctAsync(string path, DatasetVersion version, string column, int limit, CancellationToken ct) => Task.Run(() =>
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        DuckDbTableLoader.LoadStored(spilling, path, version);
        var c = DuckDbSql.Quote(column);
        var values = DuckDbSql.Query(spilling.Connection, $"SELECT DISTINCT {c}::VARCHAR AS v FROM data WHERE {c} IS NOT NULL ORDER BY v LIMIT {limit}", r => r.GetString(0));
        var missing = DuckDbSql.Query(spilling.Connection, $"SELECT count(*) - count({c}) FROM data", r => r.GetInt64(0))[0];
        return ((IReadOnlyList<string>)values, missing);
    }, ct);
}
