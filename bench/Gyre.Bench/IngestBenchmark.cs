using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Gyre.Bench;

/// <summary>
/// Metric ingest through HTTP log-batch (1000 metrics a request) into the embedded store, beside
/// a baseline on the same machine at the same moment: the same rows written by a bare prepared
/// SQLite insert in one transaction per 1000 rows, the floor any SQLite-backed store pays.
/// </summary>
internal static class IngestBenchmark
{
    internal const int BatchSize = 1000;
    internal const int Requests = 300;
    internal const int Clients = 4;
    private const int Rounds = 5;

    public static async Task RunAsync()
    {
        // Warm-up rounds of both (so that the JIT has optimised the hot paths), then five measured rounds side by side.
        await MeasureGyreAsync(Requests);
        MeasureBaseline(Requests);
        var ratios = new List<double>();
        var rates = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            var gyre = await MeasureGyreAsync(Requests);
            var store = await MeasureStoreAsync(Requests);
            var baseline = MeasureBaseline(Requests);
            ratios.Add(gyre / baseline);
            rates.Add(gyre);
            Console.WriteLine($"ingest round {round}: gyre HTTP log-batch {gyre:N0} points/s; gyre store without HTTP {store:N0} points/s; bare SQLite insert {baseline:N0} rows/s; ratio HTTP/bare {gyre / baseline:P0}");
        }
        Console.WriteLine($"ingest: median over {Rounds} rounds: gyre HTTP {rates.Order().ElementAt(Rounds / 2):N0} points/s; ratio gyre/baseline {ratios.Order().ElementAt(Rounds / 2):P0}");
    }

    private static async Task<double> MeasureGyreAsync(int requests)
    {
        await using var server = await BenchServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        var runs = new List<string>();
        for (var c = 0; c < Clients; c++)
        {
            var created = await http.PostAsync("/api/v1/runs", new StringContent("{\"experiment_id\":\"0\"}", Encoding.UTF8, "application/json"));
            var body = await created.Content.ReadAsStringAsync();
            runs.Add(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("run_id").GetString()!);
        }
        var bodies = Enumerable.Range(0, requests).Select(Body).ToArray();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                using var response = await http.PostAsync($"/api/v1/runs/{runs[c]}/log-batch", new StringContent(bodies[i], Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
            }
        })));
        return requests * (double)BatchSize / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>The same batches straight into the store, no HTTP or JSON: what the storage layer costs.</summary>
    private static async Task<double> MeasureStoreAsync(int requests)
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-bench-store-" + Guid.NewGuid().ToString("N"));
        using var storage = await Gyre.Storage.GyreStorage.OpenAsync(new Gyre.Storage.GyreHome(home));
        var run = await storage.Tracking.CreateRunAsync(new Gyre.Core.Tracking.NewRun(Gyre.Core.Tracking.ExperimentId.Default), CancellationToken.None);
        var batches = Batches(requests);
        var stopwatch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            await storage.Tracking.LogBatchAsync(run.RunId, batch, CancellationToken.None);
        }
        var rate = requests * (double)BatchSize / stopwatch.Elapsed.TotalSeconds;
        SqliteConnection.ClearAllPools();
        Directory.Delete(home, recursive: true);
        return rate;
    }

    /// <summary>The same points as <see cref="Body"/>, as store batches.</summary>
    internal static Gyre.Core.Tracking.LogBatch[] Batches(int requests) => Enumerable.Range(0, requests).Select(r => new Gyre.Core.Tracking.LogBatch(Enumerable.Range(0, BatchSize)
        .Select(i => new Gyre.Core.Tracking.Metric($"metric_{i % 20}", (r * 7 + i) % 997 / 997.0, r * 50 + i / 20, 1_700_000_000_000 + r)).ToList())).ToArray();

    /// <summary>1000 points of 20 keys × 50 steps, as a training loop logs them.</summary>
    internal static string Body(int request)
    {
        var text = new StringBuilder("{\"metrics\":[");
        for (var i = 0; i < BatchSize; i++)
        {
            text.Append(i == 0 ? "" : ",")
                .Append("{\"key\":\"metric_").Append(i % 20).Append("\",\"value\":").Append((request * 7 + i) % 997 / 997.0)
                .Append(",\"step\":").Append(request * 50 + i / 20).Append(",\"timestamp\":").Append(1_700_000_000_000 + request).Append('}');
        }
        return text.Append("]}").ToString();
    }

    private static double MeasureBaseline(int batches)
    {
        var path = Path.Combine(Path.GetTempPath(), "gyre-bench-baseline-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using var connection = new SqliteConnection($"Data Source={path}");
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE m (run_id TEXT, key TEXT, value REAL, step INTEGER, timestamp INTEGER); CREATE INDEX mi ON m (run_id, key, step, timestamp);";
                setup.ExecuteNonQuery();
            }
            var stopwatch = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                using var transaction = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO m VALUES ($r, $k, $v, $s, $t)";
                var (r, k, v, s, t) = (insert.Parameters.Add("$r", SqliteType.Text), insert.Parameters.Add("$k", SqliteType.Text), insert.Parameters.Add("$v", SqliteType.Real),
                    insert.Parameters.Add("$s", SqliteType.Integer), insert.Parameters.Add("$t", SqliteType.Integer));
                r.Value = "run";
                t.Value = 1_700_000_000_000L;
                insert.Prepare();
                for (var i = 0; i < BatchSize; i++)
                {
                    k.Value = "metric_" + (i % 20);
                    v.Value = i / 997.0;
                    s.Value = b * 50 + i / 20;
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            return batches * (double)BatchSize / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }
}
