using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Data.Splits;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Splits a stored version with DuckDB. Rows are numbered in file order; random and stratified
/// splits order rows by the MD5 of (seed, row number) and take an exact share as test (per label
/// value when stratified); hash splits put a row in test when the MD5 of its key falls in the first
/// test_fraction of a million buckets, so a row keeps its side however the data grows; time splits
/// cut at a time, or take the latest rows. MD5 rather than DuckDB's own hash: it is the same on
/// every machine and in every version.
/// </summary>
internal sealed class DuckDbDatasetSplitter(string tempDirectory) : IDatasetSplitter
{
    private const long HashBuckets = 1_000_000;

    public Task<SplitFiles> SplitAsync(string path, DatasetVersion version, SplitSpec spec, CancellationToken ct) =>
        Task.Run(() => Split(path, version, spec, ct), ct);

    private SplitFiles Split(string path, DatasetVersion version, SplitSpec spec, CancellationToken ct)
    {
        using var spilling = DuckDbSql.Open(tempDirectory, ct);
        var connection = spilling.Connection;
        // The key is hashed as written, so that its type as DuckDB infers it cannot move a row.
        DuckDbTableLoader.LoadStored(spilling, path, version, spec.Key is { } key ? [key] : null);
        if ((spec.Key ?? spec.TimeColumn) is { } required)
        {
            var field = spec.Key is null ? "time_column" : "key";
            var missing = DuckDbSql.Query(connection, $"SELECT count(*) FROM data WHERE {DuckDbSql.Quote(required)} IS NULL", r => r.GetInt64(0))[0];
            if (missing > 0)
            {
                throw GyreException.Invalid($"{field}: column '{required}' has {missing} missing values in {version.Name}@{version.Version}; every row needs one to fall on a side");
            }
        }
        DuckDbSql.Execute(connection, $"CREATE TABLE assigned AS SELECT rowid AS row_number, {Assignment(spec)} AS part FROM data");
        var counts = DuckDbSql.Query(connection, "SELECT part, count(*) FROM assigned GROUP BY part", r => (Part: r.GetString(0), Rows: r.GetInt64(1)))
            .ToDictionary(p => p.Part, p => p.Rows);
        foreach (var part in new[] { SplitMethods.Train, SplitMethods.Test })
        {
            if (counts.GetValueOrDefault(part) == 0)
            {
                throw GyreException.Invalid($"{(spec.At is null ? "test_fraction" : "at")}: the split of {version.Name}@{version.Version} ({version.Rows} rows) leaves the {part} part empty");
            }
        }
        var folder = Directory.CreateDirectory(Path.Combine(tempDirectory, "split-" + Guid.NewGuid().ToString("N"))).FullName;
        var files = new SplitFiles(folder, [
            (SplitMethods.Train, Path.Combine(folder, "train.parquet")),
            (SplitMethods.Test, Path.Combine(folder, "test.parquet")),
        ]);
        try
        {
            foreach (var (part, file) in files.Parts)
            {
                DuckDbSql.Execute(connection, $"""
                    COPY (SELECT data.* FROM data JOIN assigned ON data.rowid = assigned.row_number
                          WHERE assigned.part = {DuckDbSql.Literal(part)} ORDER BY assigned.row_number)
                    TO {DuckDbSql.Literal(file)} (FORMAT parquet)
                    """);
            }
            return files;
        }
        catch
        {
            files.Dispose();
            throw;
        }
    }

    /// <summary>The SQL that names each row's part, 'train' or 'test'.</summary>
    private static string Assignment(SplitSpec spec)
    {
        var fraction = spec.TestFraction is { } f ? DuckDbSql.Number(f) : null;
        var shuffled = $"md5_number('{spec.Seed ?? 0}:' || rowid::VARCHAR), rowid";
        return spec.Method switch
        {
            SplitMethods.Random => TakeTest($"ORDER BY {shuffled}", "", fraction!),
            SplitMethods.Stratified => TakeTest($"ORDER BY {shuffled}", $"PARTITION BY {DuckDbSql.Quote(spec.Label!)}", fraction!),
            SplitMethods.Hash => $"CASE WHEN md5_number({DuckDbSql.Quote(spec.Key!)}::VARCHAR) % {HashBuckets} < {Math.Round(spec.TestFraction!.Value * HashBuckets).ToString(CultureInfo.InvariantCulture)} THEN 'test' ELSE 'train' END",
            SplitMethods.Time when spec.At is { } at => $"CASE WHEN {DuckDbSql.Quote(spec.TimeColumn!)} < {Cutoff(at)} THEN 'train' ELSE 'test' END",
            SplitMethods.Time => TakeTest($"ORDER BY {DuckDbSql.Quote(spec.TimeColumn!)} DESC, rowid DESC", "", fraction!),
            _ => throw new InvalidOperationException($"unknown split method {spec.Method}"),
        };
    }

    /// <summary>The first round(n × fraction) rows of each partition, in the given order, are test.</summary>
    private static string TakeTest(string order, string partition, string fraction) =>
        $"CASE WHEN row_number() OVER ({partition} {order}) <= round(count(*) OVER ({partition}) * {fraction}) THEN 'test' ELSE 'train' END";

    /// <summary>An epoch integer as it is; an ISO time as a timestamp literal in UTC.</summary>
    private static string Cutoff(string at) =>
        long.TryParse(at, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch)
            ? epoch.ToString(CultureInfo.InvariantCulture)
            : $"TIMESTAMP '{DateTimeOffset.Parse(at, CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'";
}
