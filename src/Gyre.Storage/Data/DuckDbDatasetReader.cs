using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Reads CSV and Parquet files with DuckDB, in process: checks the header and every row, loads
/// the file once into a DuckDB table, infers the schema (a string column's distinct count tells
/// categorical from free text) and computes the profile. DuckDB's own messages, which carry line
/// numbers for malformed CSV, become invalid_argument errors.
/// </summary>
internal sealed class DuckDbDatasetReader(string tempDirectory) : IDatasetReader
{
    public Task<DatasetFile> InspectAsync(string path, DatasetFormat format, CancellationToken ct) =>
        Task.Run(() => Inspect(path, format), ct);

    private DatasetFile Inspect(string path, DatasetFormat format)
    {
        using var spilling = DuckDbSql.Open(tempDirectory);
        var connection = spilling.Connection;
        try
        {
            var header = format == DatasetFormat.Csv ? CheckHeader(connection, path) : null;
            // Loaded once into DuckDB's columnar memory (spilling to its folder if it must),
            // so that the schema and every statistic read the file a single time.
            try
            {
                DuckDbSql.Execute(connection, $"CREATE TABLE data AS SELECT * FROM {Source(path, format)}");
            }
            catch (DuckDBException) when (header is not null)
            {
                // The sniffer fails on a malformed file without saying where; this pass names the line.
                CheckStructure(connection, path, header);
                throw;
            }
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
            return new DatasetFile(rows, columns, DuckDbProfiler.Profile(connection, "data", columns, counts, rows));
        }
        catch (DuckDBException e)
        {
            var first = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var detail = string.Join("; ", first.Take(3)).Replace("Invalid Input Error: ", "", StringComparison.Ordinal);
            throw GyreException.Invalid($"body: not a readable {(format == DatasetFormat.Csv ? "CSV" : "Parquet")} file: {detail}");
        }
    }

    /// <summary>
    /// Reads the header leniently (so that a malformed body cannot hide it) and refuses empty or
    /// repeated column names, which the sniffer would otherwise rename silently.
    /// </summary>
    private static List<string> CheckHeader(DuckDBConnection connection, string path)
    {
        var header = DuckDbSql.Query(connection,
            $"SELECT * FROM read_csv({DuckDbSql.Literal(path)}, delim = ',', quote = '\"', escape = '\"', strict_mode = false, null_padding = true, header = false, all_varchar = true) LIMIT 1",
            r => Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? null : r.GetString(i).Trim()).ToList());
        if (header.Count == 0)
        {
            throw GyreException.Invalid("body: the file is empty");
        }
        // Trailing NULLs are the lenient reader's padding up to the widest row, not header cells.
        var names = header[0].ToList();
        while (names.Count > 0 && names[^1] is null)
        {
            names.RemoveAt(names.Count - 1);
        }
        var problems = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"header: column {i + 1} has no name");
            }
            else if (names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is var first && first < i)
            {
                // DuckDB's names are case-insensitive: 'id' and 'ID' would be renamed silently.
                problems.Add($"header: column name '{name}' appears more than once, ignoring case (columns {first + 1} and {i + 1})");
            }
        }
        GyreException.ThrowIfAny(problems);
        return names.Select(n => n!).ToList();
    }

    /// <summary>
    /// Reads every row against the header with the sniffer off, so that a malformed row is
    /// reported by DuckDB with its line number ("CSV Error on Line: 3") instead of confusing the sniffer.
    /// </summary>
    private static void CheckStructure(DuckDBConnection connection, string path, List<string> header)
    {
        var columns = string.Join(", ", header.Select(name => $"{DuckDbSql.Literal(name)}: 'VARCHAR'"));
        DuckDbSql.Query(connection, $"SELECT count(*) FROM read_csv({DuckDbSql.Literal(path)}, {CsvDialect}, auto_detect = false, header = true, columns = {{{columns}}})", r => r.GetInt64(0));
    }

    /// <summary>
    /// RFC 4180: comma-separated, double-quoted, header first. Fixed rather than sniffed, because
    /// the sniffer "explains" a malformed file as a one-column file instead of reporting the bad line.
    /// </summary>
    private const string CsvDialect = "delim = ',', quote = '\"', escape = '\"', strict_mode = true";

    internal static string Source(string path, DatasetFormat format) =>
        format == DatasetFormat.Csv ? $"read_csv({DuckDbSql.Literal(path)}, {CsvDialect}, header = true)" : $"read_parquet({DuckDbSql.Literal(path)})";
}
