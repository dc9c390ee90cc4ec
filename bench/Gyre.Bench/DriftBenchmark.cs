using System.Diagnostics;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Monitoring.Drift;
using Gyre.Storage;

namespace Gyre.Bench;

/// <summary>
/// A drift check of a 1,000,000-row × 20-feature window (a stored Parquet version) against a
/// 1,000,000-row reference whose statistics are stored: the window's statistics computed by DuckDB
/// and every column compared (normed Wasserstein, Jensen–Shannon). Beside it, in each round, one
/// DuckDB scan that only counts the window's rows; and the process's peak memory before and after.
/// </summary>
internal static class DriftBenchmark
{
    private const int Rows = 1_000_000;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-drift-").FullName;
        try
        {
            using var storage = await GyreStorage.OpenAsync(new GyreHome(Path.Combine(folder, "home")));
            var ingest = new DatasetIngest(storage.Datasets, storage.DatasetObjects, storage.DatasetReader);
            foreach (var (name, shift) in new[] { ("reference", 0.0), ("window", 0.3) })
            {
                var file = Path.Combine(folder, name + ".parquet");
                Generate(file, shift);
                await using var content = File.OpenRead(file);
                await ingest.AddAsync(name, content, DatasetFormat.Parquet, null, long.MaxValue, ReadOptions.Default, CancellationToken.None);
            }
            var references = new DatasetReferences(storage.Datasets, storage.DatasetObjects, storage.ReferenceComputer);
            var reference = await references.GetOrComputeAsync("reference", 1, CancellationToken.None);
            var window = await storage.Datasets.GetVersionAsync("window", 1, CancellationToken.None);
            var windowPath = await storage.DatasetObjects.LocalPathAsync(window.Digest, window.Format, CancellationToken.None);
            Console.WriteLine($"drift: window of {Rows:N0} rows x 20 features ({new FileInfo(windowPath).Length / 1e6:N0} MB Parquet) against stored reference statistics of {reference.Rows:N0} rows");

            GC.Collect();
            using var process = Process.GetCurrentProcess();
            var peakBefore = process.PeakWorkingSet64;
            var times = new List<double>();
            for (var round = 1; round <= 5; round++)
            {
                var stopwatch = Stopwatch.StartNew();
                var current = await storage.ReferenceComputer.ComputeWindowAsync(windowPath, window, CancellationToken.None);
                var report = DriftCheck.Compare(reference, current, new DriftRequest(new DatasetSide("reference"), new DatasetSide("window")));
                var check = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                CountRows(windowPath);
                var baseline = stopwatch.Elapsed.TotalSeconds;
                times.Add(check);
                Console.WriteLine($"drift round {round}: check {check * 1000:N0} ms ({report.DriftedColumns} of {report.Columns.Count} columns drifted, "
                    + $"{string.Join("/", report.Columns.Select(c => c.Test).Distinct())}); baseline count(*) scan {baseline * 1000:N0} ms; ratio {check / baseline:N1}x");
            }
            process.Refresh();
            // How far the window mode (quantile grids from a sample) is from exact statistics of the whole window.
            var exactWindow = await storage.ReferenceComputer.ComputeAsync(windowPath, window, CancellationToken.None);
            var exactReport = DriftCheck.Compare(reference, exactWindow, new DriftRequest(new DatasetSide("reference"), new DatasetSide("window")));
            var fastReport = DriftCheck.Compare(reference, await storage.ReferenceComputer.ComputeWindowAsync(windowPath, window, CancellationToken.None),
                new DriftRequest(new DatasetSide("reference"), new DatasetSide("window")));
            var largest = exactReport.Columns.Zip(fastReport.Columns).Max(p => Math.Abs(p.First.Statistic - p.Second.Statistic));
            var agree = exactReport.Columns.Zip(fastReport.Columns).Count(p => p.First.Drifted == p.Second.Drifted);
            Console.WriteLine($"drift: against exact statistics of the whole window, the largest difference in a column's statistic is {largest:G3}; "
                + $"{agree} of {exactReport.Columns.Count} verdicts agree ({exactReport.DriftedColumns} columns drift by the exact figures)");
            Console.WriteLine($"drift: median {times.Order().ElementAt(2) * 1000:N0} ms; peak working set {peakBefore / 1e6:N0} MB before the checks, {process.PeakWorkingSet64 / 1e6:N0} MB after (+{(process.PeakWorkingSet64 - peakBefore) / 1e6:N0} MB)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>16 numeric and 4 categorical features; the window's numbers shift by <paramref name="shift"/> standard deviations in half the columns.</summary>
    private static void Generate(string path, double shift)
    {
        var numeric = string.Join(", ", Enumerable.Range(0, 16).Select(i => $"(random() + {(i % 2 == 0 ? shift : 0).ToString(System.Globalization.CultureInfo.InvariantCulture)} * 0.29) * {i + 1} AS x{i}"));
        var categorical = string.Join(", ", Enumerable.Range(0, 4).Select(i => $"'k' || CAST(floor(random() * {(i + 2) * 3}) AS INT) AS c{i}"));
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT setseed({(0.1 + shift).ToString(System.Globalization.CultureInfo.InvariantCulture)}); COPY (SELECT {numeric}, {categorical} FROM range({Rows})) TO '{path}' (FORMAT parquet);";
        command.ExecuteNonQuery();
    }

    private static void CountRows(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM read_parquet('{path}')";
        command.ExecuteScalar();
    }
}
