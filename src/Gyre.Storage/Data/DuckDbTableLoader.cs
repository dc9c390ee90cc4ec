using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Loads a dataset file into the DuckDB table <c>data</c>, the one way every reader (inspection,
/// validation, splits, reference statistics) sees a version's rows. CSV is RFC 4180 with a header;
/// its header is checked first, malformed rows fail the load with their line number or, under
/// <see cref="BadRowPolicy.Skip"/>, are left out and counted.
/// </summary>
internal static class DuckDbTableLoader
{
    public const string Table = "data";

    /// <summary>
    /// RFC 4180: comma-separated, double-quoted, header first. Fixed rather than sniffed, because
    /// the sniffer "explains" a malformed file as a one-column file instead of reporting the bad line.
    /// </summary>
    private const string CsvDialect = "delim = ',', quote = '\"', escape = '\"', strict_mode = true";

    /// <summary>
    /// Loads a file into <c>data</c> and returns the rows skipped under <see cref="BadRowPolicy.Skip"/>
    /// (null under <see cref="BadRowPolicy.Fail"/> and for Parquet). <paramref name="keepOrder"/> says
    /// whether the table's <c>rowid</c> must follow the file's row order (splits number rows by it);
    /// statistics do not need it, and a load free to reorder is faster. <paramref name="textColumns"/>
    /// of a CSV keep their text as written (a key "007" stays "007", not the integer 7).
    /// </summary>
    public static BadRows? Load(SpillingConnection spilling, string path, DatasetFormat format, ReadOptions options, bool keepOrder = true,
        IReadOnlyList<string>? textColumns = null)
    {
        var connection = spilling.Connection;
        DuckDbSql.Execute(connection, $"SET preserve_insertion_order = {(keepOrder ? "true" : "false")}");
        if (format == DatasetFormat.Parquet)
        {
            DuckDbSql.Execute(connection, $"CREATE TABLE {Table} AS SELECT * FROM read_parquet({DuckDbSql.Literal(path)})");
            return null;
        }
        var header = CsvHeader.Read(connection, path, spilling.Folder);
        if (options.OnBadRows == BadRowPolicy.Fail)
        {
            LoadTyped(connection, path, header, textColumns);
            return null;
        }
        var skipped = SkipMalformed(connection, path, header);
        if (skipped.Count > 0)
        {
            // Lines "malformed" only by their ending are not bad rows to leave out: the file is.
            CsvLineEndings.ThrowIfMixed(path);
        }
        if (skipped.Count == 0)
        {
            DuckDbSql.Execute(connection, "DROP TABLE raw_rows");
            LoadTyped(connection, path, header, textColumns);
            return skipped;
        }
        // The well-formed rows, written out once so that types are inferred from them alone.
        var clean = Path.Combine(spilling.Folder, "clean.csv");
        DuckDbSql.Execute(connection, $"COPY raw_rows TO {DuckDbSql.Literal(clean)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')");
        DuckDbSql.Execute(connection, "DROP TABLE raw_rows");
        LoadTyped(connection, clean, header, textColumns);
        File.Delete(clean);
        return skipped;
    }

    /// <summary>Loads a stored version, read once already when it was added: failing now is the server's trouble, not the caller's.</summary>
    public static void LoadStored(SpillingConnection spilling, string path, DatasetVersion version, IReadOnlyList<string>? textColumns = null)
    {
        try
        {
            Load(spilling, path, version.Format, version.Reading, textColumns: textColumns);
        }
        catch (Exception e) when (e is DuckDBException or GyreException)
        {
            throw new GyreException(ErrorCode.Unavailable, $"the stored dataset {version.Name}@{version.Version} could not be loaded; the server's log says why", inner: e);
        }
    }

    /// <summary>Reads every row as text against the header, keeping the well-formed ones in <c>raw_rows</c> and counting the others.</summary>
    private static BadRows SkipMalformed(DuckDBConnection connection, string path, IReadOnlyList<string> header)
    {
        DuckDbSql.Execute(connection,
            $"CREATE TABLE raw_rows AS SELECT * FROM read_csv({DuckDbSql.Literal(path)}, {CsvDialect}, {TextColumns(header)}, ignore_errors = true, store_rejects = true)");
        var count = DuckDbSql.Query(connection, "SELECT count(DISTINCT line) FROM reject_errors", r => r.GetInt64(0))[0];
        var examples = DuckDbSql.Query(connection,
            $"SELECT line, min(error_type || ': ' || error_message) FROM reject_errors GROUP BY line ORDER BY line LIMIT {BadRows.MaxExamples}",
            r => new BadRow(r.GetInt64(0), r.GetString(1).Split('\n')[0].Trim()));
        return new BadRows(count, examples);
    }

    /// <summary>
    /// Loads with types inferred by DuckDB's sniffer from a sample. A value late in the file that
    /// does not fit the sampled type is not an error in the data: the load is retried with every
    /// row sampled, so that the column widens (to text, say).
    /// </summary>
    private static void LoadTyped(DuckDBConnection connection, string path, IReadOnlyList<string> header, IReadOnlyList<string>? textColumns)
    {
        var types = textColumns is { Count: > 0 } ? $", types = {{{string.Join(", ", textColumns.Select(c => $"{DuckDbSql.Literal(c)}: 'VARCHAR'"))}}}" : "";
        var source = $"read_csv({DuckDbSql.Literal(path)}, {CsvDialect}, header = true{types}";
        try
        {
            try
            {
                DuckDbSql.Execute(connection, $"CREATE TABLE {Table} AS SELECT * FROM {source})");
            }
            catch (DuckDBException e) when (e.Message.StartsWith("Conversion Error", StringComparison.Ordinal))
            {
                DuckDbSql.Execute(connection, $"CREATE TABLE {Table} AS SELECT * FROM {source}, sample_size = -1)");
            }
        }
        catch (DuckDBException)
        {
            ExplainMalformed(connection, path, header);
            throw;
        }
        // The sniffer reads a sample from all over the file: a bad line in it (a field too many on
        // the last line) can win as "the header", and the real rows vanish. The columns must be the header's.
        var loaded = DuckDbSql.Query(connection, $"SELECT column_name FROM (DESCRIBE {Table})", r => r.GetString(0));
        if (!loaded.SequenceEqual(header, StringComparer.OrdinalIgnoreCase))
        {
            DuckDbSql.Execute(connection, $"DROP TABLE {Table}");
            ExplainMalformed(connection, path, header);
            throw GyreException.Invalid($"body: the file's lines do not read as the columns its header names ({string.Join(", ", header)})");
        }
    }

    /// <summary>
    /// Throws the reason a file failed to load, with its line: the sniffer fails without saying
    /// where, so the file is read again strictly against its header (which names the line), and
    /// mixed line endings are named as such.
    /// </summary>
    private static void ExplainMalformed(DuckDBConnection connection, string path, IReadOnlyList<string> header)
    {
        try
        {
            DuckDbSql.Query(connection, $"SELECT count(*) FROM read_csv({DuckDbSql.Literal(path)}, {CsvDialect}, {TextColumns(header)})", r => r.GetInt64(0));
        }
        catch (DuckDBException)
        {
            CsvLineEndings.ThrowIfMixed(path);
            throw;
        }
    }

    /// <summary>
    /// The first row of a CSV file whose column does not cast to <paramref name="duckType"/>, read as text
    /// against its header: its line (the header is line 1; a quoted field with a line break counts as one
    /// line) and the value; null when every value casts (empty and missing values are missing, not misfits).
    /// </summary>
    public static (long Line, string Value)? FirstMisfit(SpillingConnection spilling, string path, string column, string duckType)
    {
        var header = CsvHeader.Read(spilling.Connection, path, spilling.Folder);
        var found = DuckDbSql.Query(spilling.Connection,
            $"SELECT line, value FROM (SELECT row_number() OVER () + 1 AS line, {DuckDbSql.Quote(column)} AS value "
            + $"FROM read_csv({DuckDbSql.Literal(path)}, {CsvDialect}, {TextColumns(header)})) "
            + $"WHERE value IS NOT NULL AND trim(value) <> '' AND TRY_CAST(trim(value) AS {duckType}) IS NULL ORDER BY line LIMIT 1",
            r => (r.GetInt64(0), r.GetString(1)));
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The options that read every column as text under the header's names, the sniffer off.</summary>
    private static string TextColumns(IReadOnlyList<string> header) =>
        $"auto_detect = false, header = true, columns = {{{string.Join(", ", header.Select(name => $"{DuckDbSql.Literal(name)}: 'VARCHAR'"))}}}";

    /// <summary>DuckDB's message for a file it cannot read, as one invalid_argument line.</summary>
    public static GyreException Unreadable(DuckDBException e, DatasetFormat format)
    {
        var first = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var detail = string.Join("; ", first.Take(3)).Replace("Invalid Input Error: ", "", StringComparison.Ordinal);
        return GyreException.Invalid($"body: not a readable {(format == DatasetFormat.Csv ? "CSV" : "Parquet")} file: {detail}");
    }
}
