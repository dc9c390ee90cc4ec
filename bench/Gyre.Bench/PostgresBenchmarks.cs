using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Gyre.Bench;

/// <summary>
/// Gyre's metadata on PostgreSQL (the server named by <c>$GYRE_BENCH_POSTGRES</c>, a database URL;
/// each measurement gets a schema of its own there):
/// <list type="bullet">
/// <item><c>pg-ingest</c>: metric ingest through HTTP log-batch (1000 points a request, 4 clients)
/// beside a bare baseline on the same server at the same moment: the same rows written by Npgsql's
/// binary COPY, one transaction per 1000 rows, into a table of the same shape and key.</item>
/// <item><c>pg-search</c>: runs/search with the search benchmark's filter and order at 10,000,
/// 100,000 and 1,000,000 runs (seeded by SQL straight into Gyre's tables), p50/p95/p99 over HTTP.</item>
/// </list>
/// </summary>
internal static class PostgresBenchmarks
{
    // The same load as the SQLite ingest benchmark.
    private const int BatchSize = IngestBenchmark.BatchSize;
    private const int Requests = IngestBenchmark.Requests;
    private const int Clients = IngestBenchmark.Clients;
    private const int Rounds = 5;

    private static string Server => Environment.GetEnvironmentVariable("GYRE_BENCH_POSTGRES")
        ?? throw new InvalidOperationException("set GYRE_BENCH_POSTGRES to a PostgreSQL URL (eval \"$(bash .ci/postgres start)\" and use its GYRE_TEST_POSTGRES)");

    public static async Task IngestAsync()
    {
        await MeasureGyreAsync();
        await MeasureCopyAsync();
        var (rates, ratios) = (new List<double>(), new List<double>());
        for (var round = 1; round <= Rounds; round++)
        {
            var gyre = await MeasureGyreAsync();
            var store = await MeasureStoreAsync();
            var copy = await MeasureCopyAsync();
            rates.Add(gyre);
            ratios.Add(gyre / copy);
            Console.WriteLine($"pg-ingest round {round}: gyre HTTP log-batch {gyre:N0} points/s; gyre store without HTTP {store:N0} points/s; "
                + $"bare Npgsql binary COPY {copy:N0} rows/s; ratio HTTP/COPY {gyre / copy:P0}");
        }
        Console.WriteLine($"pg-ingest: median over {Rounds} rounds: gyre HTTP {Median(rates):N0} points/s; ratio gyre/COPY {Median(ratios):P0}");
    }

    public static async Task SearchAsync()
    {
        const string Body = """
            {"experiment_ids": ["0"],
             "filter": "metrics.auc > 0.8 AND params.trainer = 'lightgbm' AND (tags.team = 'growth' OR tags.team = 'risk')",
             "order_by": ["metrics.auc DESC"], "max_results": 100}
            """;
        foreach (var runs in new[] { 10_000, 100_000, 1_000_000 })
        {
            await using var schema = await Schema.CreateAsync();
            await using var server = await BenchServer.StartAsync(schema.Url);
            var seeding = Stopwatch.StartNew();
            await SeedRunsAsync(schema, runs);
            Console.WriteLine($"pg-search: seeded {runs:N0} runs in {seeding.Elapsed.TotalSeconds:N1} s");
            using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
            var first = await http.PostAsync("/api/v1/runs/search", new StringContent(Body, Encoding.UTF8, "application/json"));
            var text = await first.Content.ReadAsStringAsync();
            var items = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("items").GetArrayLength();
            var times = new List<double>();
            for (var i = 0; i < (runs >= 1_000_000 ? 40 : 150); i++)
            {
                var stopwatch = Stopwatch.StartNew();
                using var response = await http.PostAsync("/api/v1/runs/search", new StringContent(Body, Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"pg-search at {runs:N0} runs ({items} per page): p50 {SearchBenchmark.P(times, 0.5):N1} ms, p95 {SearchBenchmark.P(times, 0.95):N1} ms, p99 {SearchBenchmark.P(times, 0.99):N1} ms");
        }
    }

    private static async Task<double> MeasureGyreAsync()
    {
        await using var schema = await Schema.CreateAsync();
        await using var server = await BenchServer.StartAsync(schema.Url);
        using var http = new HttpClient { BaseAddress = server.Address };
        var runs = new List<string>();
        for (var c = 0; c < Clients; c++)
        {
            var created = await http.PostAsync("/api/v1/runs", new StringContent("{\"experiment_id\":\"0\"}", Encoding.UTF8, "application/json"));
            runs.Add(System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetString()!);
        }
        var bodies = Enumerable.Range(0, Requests).Select(IngestBenchmark.Body).ToArray();
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                using var response = await http.PostAsync($"/api/v1/runs/{runs[c]}/log-batch", new StringContent(bodies[i], Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
            }
        })));
        return Requests * (double)BatchSize / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>The same batches straight into the store from 4 writers, no HTTP or JSON: what the storage layer costs.</summary>
    private static async Task<double> MeasureStoreAsync()
    {
        await using var schema = await Schema.CreateAsync();
        var home = Path.Combine(Path.GetTempPath(), "gyre-bench-store-" + Guid.NewGuid().ToString("N"));
        using var storage = await Gyre.Storage.GyreStorage.OpenAsync(new Gyre.Storage.GyreHome(home), database: new Gyre.Storage.DatabaseOptions(schema.Url));
        var runs = new List<Gyre.Core.Tracking.RunId>();
        for (var c = 0; c < Clients; c++)
        {
            runs.Add((await storage.Tracking.CreateRunAsync(new Gyre.Core.Tracking.NewRun(Gyre.Core.Tracking.ExperimentId.Default), CancellationToken.None)).RunId);
        }
        var batches = IngestBenchmark.Batches(Requests);
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Requests)
            {
                await storage.Tracking.LogBatchAsync(runs[c], batches[i], CancellationToken.None);
            }
        })));
        var rate = Requests * (double)BatchSize / stopwatch.Elapsed.TotalSeconds;
        Directory.Delete(home, recursive: true);
        return rate;
    }

    /// <summary>The floor: the same points by binary COPY from 4 writers, into Gyre's metrics table shape (same key), a transaction per 1000 rows.</summary>
    private static async Task<double> MeasureCopyAsync()
    {
        await using var schema = await Schema.CreateAsync();
        await schema.ExecuteAsync("""
            CREATE TABLE metrics (run_key bigint NOT NULL, key text COLLATE "C" NOT NULL, step bigint NOT NULL, timestamp bigint NOT NULL,
                is_nan bigint NOT NULL, value double precision NOT NULL, PRIMARY KEY (run_key, key, step, timestamp, is_nan, value))
            """);
        await using var source = NpgsqlDataSource.Create(schema.ConnectionString);
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            await using var connection = await source.OpenConnectionAsync();
            int r;
            while ((r = Interlocked.Increment(ref next)) < Requests)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var writer = await connection.BeginBinaryImportAsync("COPY metrics FROM STDIN (FORMAT BINARY)"))
                {
                    for (var i = 0; i < BatchSize; i++)
                    {
                        await writer.StartRowAsync();
                        await writer.WriteAsync((long)c, NpgsqlDbType.Bigint);
                        await writer.WriteAsync("metric_" + (i % 20), NpgsqlDbType.Text);
                        await writer.WriteAsync((long)(r * 50 + i / 20), NpgsqlDbType.Bigint);
                        await writer.WriteAsync(1_700_000_000_000L + r, NpgsqlDbType.Bigint);
                        await writer.WriteAsync(0L, NpgsqlDbType.Bigint);
                        await writer.WriteAsync((r * 7 + i) % 997 / 997.0, NpgsqlDbType.Double);
                    }
                    await writer.CompleteAsync();
                }
                await transaction.CommitAsync();
            }
        })));
        return Requests * (double)BatchSize / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Runs with the search benchmark's data (3 metrics, 2 params, a tag each), written by SQL straight into Gyre's tables.</summary>
    private static async Task SeedRunsAsync(Schema schema, int runs) => await schema.ExecuteAsync($"""
        INSERT INTO runs (run_key, run_id, experiment_id, run_name, status, start_time, artifact_uri)
            SELECT i, md5(i::text), 0, 'run-' || i, 'FINISHED', 1700000000000 + i, 'gyre-artifacts:/0/' || md5(i::text) FROM generate_series(1, {runs}) i;
        INSERT INTO params (run_id, key, value)
            SELECT md5(i::text), 'trainer', (ARRAY['lightgbm', 'fasttree', 'linear'])[i % 3 + 1] FROM generate_series(1, {runs}) i
            UNION ALL SELECT md5(i::text), 'lr', round((random() * 0.99)::numeric, 2)::text FROM generate_series(1, {runs}) i;
        INSERT INTO tags (run_id, key, value)
            SELECT md5(i::text), 'team', (ARRAY['growth', 'risk', 'ops', 'core'])[i % 4 + 1] FROM generate_series(1, {runs}) i;
        INSERT INTO latest_metrics (run_key, key, value, step, timestamp)
            SELECT i, k, random(), 0, 1 FROM generate_series(1, {runs}) i CROSS JOIN unnest(ARRAY['auc', 'loss', 'f1']) k;
        SELECT setval(pg_get_serial_sequence('runs', 'run_key'), {runs});
        ANALYZE;
        """);

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>A schema of its own on the benchmark server, dropped afterwards.</summary>
    internal sealed class Schema : IAsyncDisposable
    {
        private Schema(string admin, string name)
        {
            Admin = admin;
            Name = name;
        }

        private string Admin { get; }

        public string Name { get; }

        public string Url => $"{Server}{(Server.Contains('?', StringComparison.Ordinal) ? '&' : '?')}Search%20Path={Name}";

        public string ConnectionString => new NpgsqlConnectionStringBuilder(Admin) { SearchPath = Name }.ConnectionString;

        public static async Task<Schema> CreateAsync()
        {
            // Seeding a million runs is one long statement: no command timeout.
            var settings = Gyre.Storage.Sql.Postgres.PostgresUrl.Parse("GYRE_BENCH_POSTGRES", Server);
            settings.CommandTimeout = 0;
            var admin = settings.ConnectionString;
            var schema = new Schema(admin, "bench_" + Guid.NewGuid().ToString("N")[..12]);
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema.Name}", connection);
            await create.ExecuteNonQueryAsync();
            return schema;
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(Admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {Name} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
