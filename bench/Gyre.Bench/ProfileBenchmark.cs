using System.Diagnostics;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Storage.Data;

namespace Gyre.Bench;

/// <summary>
/// Reading and profiling a 1,000,000-row × 20-column CSV (header and row checks, load, schema,
/// every column's statistics), beside a baseline in the same round: one DuckDB scan that only
/// counts the rows of the same file.
/// </summary>
internal static class ProfileBenchmark
{
    public const int Rows = 1_000_000;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-profile-").FullName;
        var csv = Path.Combine(folder, "wide.csv");
        try
        {
            Generate(csv);
            Console.WriteLine($"profile: {Rows:N0} rows x 20 columns, {new FileInfo(csv).Length / 1e6:N0} MB");
            var reader = new DuckDbDatasetReader(folder);
            await reader.InspectAsync(csv, DatasetFormat.Csv, ReadOptions.Default, Gyre.Core.Data.Schemas.SchemaCheck.Domains(null), CancellationToken.None);
            var times = new List<double>();
            for (var round = 1; round <= 3; round++)
            {
                var stopwatch = Stopwatch.StartNew();
                var file = await reader.InspectAsync(csv, DatasetFormat.Csv, ReadOptions.Default, Gyre.Core.Data.Schemas.SchemaCheck.Domains(null), CancellationToken.None);
                var profile = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                CountRows(csv);
                var baseline = stopwatch.Elapsed.TotalSeconds;
                times.Add(profile);
                Console.WriteLine($"profile round {round}: gyre check + load + profile {profile:N2} s ({file.Rows:N0} rows); baseline count(*) scan {baseline:N2} s; ratio {profile / baseline:N1}x");
            }
            Console.WriteLine($"profile: median {times.Order().ElementAt(1):N2} s");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>10 float, 4 integer, 4 categorical, 1 text and 1 date column, with some missing values.</summary>
    public static void Generate(string path)
    {
        var floats = string.Join(", ", Enumerable.Range(0, 10).Select(i => $"CASE WHEN random() < 0.02 THEN NULL ELSE random() * {i + 1} END AS f{i}"));
        var ints = string.Join(", ", Enumerable.Range(0, 4).Select(i => $"CAST(floor(random() * {(i + 1) * 100}) AS BIGINT) AS i{i}"));
        var cats = string.Join(", ", Enumerable.Range(0, 4).Select(i => $"'k' || CAST(floor(random() * {(i + 2) * 3}) AS INT) AS c{i}"));
        GeneratedCsv.Write(path, 0.42,
            $"SELECT {floats}, {ints}, {cats}, md5(CAST(range AS VARCHAR)) AS note, DATE '2020-01-01' + CAST(range % 1500 AS INT) AS day FROM range({Rows})");
    }

    private static void CountRows(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM read_csv('{path}')";
        command.ExecuteScalar();
    }
}
