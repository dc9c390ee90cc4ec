using System.Text.RegularExpressions;

namespace Gyre.Bench;

/// <summary>
/// <c>pg-serve</c>: the serving benchmark's load (wrk, single-row predictions, LightGBM, a 90/10
/// canary) against two Gyre servers in this process, side by side in alternating rounds: one with
/// its metadata and prediction log's tables in SQLite (the home's files), one with both on the
/// PostgreSQL server named by <c>$GYRE_BENCH_POSTGRES</c>. The journal is local on both, so the
/// difference is the table writer's: SQLite's file against binary COPY over a connection.
/// </summary>
internal static partial class PostgresServeBenchmark
{
    private const int Rounds = 3;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-pg-serve-").FullName;
        try
        {
            var (train, script) = await ServeBenchmark.WriteInputsAsync(folder);
            await using var schema = await PostgresBenchmarks.Schema.CreateAsync();
            await using var sqlite = await BenchServer.StartAsync();
            await using var postgres = await BenchServer.StartAsync(schema.Url);
            using var sqliteClient = await ServeBenchmark.CreateEndpointsAsync(sqlite, train);
            using var postgresClient = await ServeBenchmark.CreateEndpointsAsync(postgres, train);
            var targets = new (string Name, BenchServer Server, string Endpoint)[]
            {
                ("durable, log on SQLite", sqlite, "bench"),
                ("durable, log on PostgreSQL", postgres, "bench"),
                ("fast, log on SQLite", sqlite, "bench-fast"),
                ("fast, log on PostgreSQL", postgres, "bench-fast"),
            };
            Console.WriteLine($"pg-serve: wrk -t2 -c{ServeBenchmark.Connections} -d{Duration.TotalSeconds:0}s, one row x 20 features per request, LightGBM, canary 90/10; {Rounds} rounds");
            foreach (var (_, server, endpoint) in targets)
            {
                await ServeBenchmark.WrkAsync(Url(server, endpoint), script, WarmUp);
            }
            var results = targets.ToDictionary(t => t.Name, _ => new List<ServeBenchmark.WrkResult>());
            using var http = new HttpClient();
            for (var round = 1; round <= Rounds; round++)
            {
                foreach (var (name, server, endpoint) in targets)
                {
                    var result = await ServeBenchmark.WrkAsync(Url(server, endpoint), script, Duration);
                    results[name].Add(result);
                    var dropped = await DroppedAsync(http, server);
                    Console.WriteLine($"pg-serve round {round}: {name,-27} {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  non-2xx {result.Errors}  fast-log drops so far {dropped:N0}");
                }
            }
            double Best(string name) => results[name].Max(r => r.RequestsPerSecond);
            Console.WriteLine($"pg-serve: durable PostgreSQL/SQLite throughput {Best("durable, log on PostgreSQL") / Best("durable, log on SQLite"):N2}x (goal >= 0.9x); "
                + $"fast {Best("fast, log on PostgreSQL") / Best("fast, log on SQLite"):N2}x");
            foreach (var (name, client) in new[] { ("SQLite", sqliteClient), ("PostgreSQL", postgresClient) })
            {
                var page = await client.Endpoints.ListPredictionsAsync("bench", maxResults: 1);
                Console.WriteLine($"pg-serve: the log on {name} answers queries ({page.Items.Count} row read back)");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Url(BenchServer server, string endpoint) => $"{server.Address}endpoints/{endpoint}/predict";

    private static async Task<double> DroppedAsync(HttpClient http, BenchServer server)
    {
        var metrics = await http.GetStringAsync(new Uri(server.Address, "metrics"));
        return DroppedLine().Match(metrics) is { Success: true } m ? double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^gyre_prediction_log_dropped(?:\{[^}]*\})? ([0-9.eE+]+)$", RegexOptions.Multiline)]
    private static partial Regex DroppedLine();
}
