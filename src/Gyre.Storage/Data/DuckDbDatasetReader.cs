using System.Data.Common;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Reads CSV and Parquet files with DuckDB, in process: the header, the column types, the row
/// count, and per column the missing count and an approximate distinct count (to tell
/// categorical strings from free text). DuckDB's own messages, which carry line numbers for
/// malformed CSV, become invalid_argument errors.
/// </summary>
internal sealed class DuckDbDatasetReader : IDatasetReader
{
    public Task<DatasetFile> InspectAsync(string path, DatasetFormat format, CancellationToken ct) =>
        Task.Run(() => Inspect(path, format), ct);

    private static DatasetFile Inspect(string path, DatasetFormat format)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        try
        {
            if (format == DatasetFormat.Csv)
            {
                CheckStructure(connection, path, CheckHeader(connection, path));
            }
            var source = Source(path, format);
            var described = Query(connection, $"DESCRIBE SELECT * FROM {source}", r => (Name: r.GetString(0), Type: r.GetString(1)));
            if (described.Count == 0)
            {
                throw GyreException.Invalid("body: the file has no columns");
            }
            var aggregates = string.Join(", ", described.Select(c => $"count({Quote(c.Name)}), approx_count_distinct({Quote(c.Name)})"));
            var counts = Query(connection, $"SELECT count(*), {aggregates} FROM {source}", r => Enumerable.Range(0, r.FieldCount).Select(r.GetInt64).ToArray())[0];
            var rows = counts[0];
            var columns = described.Select((c, i) =>
            {
                var (nonMissing, distinct) = (counts[1 + (2 * i)], counts[2 + (2 * i)]);
                var type = ColumnTypes.FromEngineType(c.Type)
                    ?? (ColumnTypes.IsCategorical(distinct, nonMissing) ? ColumnType.Categorical : ColumnType.Text);
                return new ColumnSchema(c.Name, type, nonMissing < rows, c.Type);
            }).ToList();
            return new DatasetFile(rows, columns);
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
        var header = Query(connection,
            $"SELECT * FROM read_csv({Literal(path)}, delim = ',', quote = '\"', escape = '\"', strict_mode = false, null_padding = true, header = false, all_varchar = true) LIMIT 1",
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
            else if (names.IndexOf(name) < i)
            {
                problems.Add($"header: column name '{name}' appears more than once (columns {names.IndexOf(name) + 1} and {i + 1})");
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
        var columns = string.Join(", ", header.Select(name => $"{Literal(name)}: 'VARCHAR'"));
        Query(connection, $"SELECT count(*) FROM read_csv({Literal(path)}, {CsvDialect}, auto_detect = false, header = true, columns = {{{columns}}})", r => r.GetInt64(0));
    }

    /// <summary>
    /// RFC 4180: comma-separated, double-quoted, header first. Fixed rather than sniffed, because
    /// the sniffer "explains" a malformed file as a one-column file instead of reporting the bad line.
    /// </summary>
    private const string CsvDialect = "delim = ',', quote = '\"', escape = '\"', strict_mode = true";

    private static string Source(string path, DatasetFormat format) =>
        format == DatasetFormat.Csv ? $"read_csv({Literal(path)}, {CsvDialect}, header = true)" : $"read_parquet({Literal(path)})";

    private static List<T> Query<T>(DuckDBConnection connection, string sql, Func<DbDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    // The path is ours (a staging file named by a GUID) and column names come from the file:
    // both are quoted, never trusted.
    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
