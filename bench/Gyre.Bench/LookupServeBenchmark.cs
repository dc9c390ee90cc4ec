using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Learning.Training;

namespace Gyre.Bench;

/// <summary>
/// Serving with feature lookups, measured with wrk side by side in alternating rounds: the serving
/// benchmark's LightGBM model on 20 features, once given every feature in the request, once given a
/// customer's id and 10 features while the gateway looks the other 10 up in the online store
/// (<see cref="Entities"/> customers, each request a random one). Both log durably. Goal: at least
/// 0.8x the throughput, p99 under 5 ms. Needs wrk.
/// </summary>
internal static class LookupServeBenchmark
{
    private const int Entities = 100_000;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-lookup-").FullName;
        try
        {
            var train = Path.Combine(folder, "train.csv");
            ServeBenchmark.WriteTrainingData(train, "yes", "no");
            var accounts = Path.Combine(folder, "accounts.csv");
            var looked = ServeBenchmark.Features.Take(10).ToList();
            GeneratedCsv.Write(accounts, 0.4, $"SELECT range AS customer_id, TIMESTAMP '2026-01-01' + to_seconds(CAST(random() * 86400 * 30 AS BIGINT)) AS ts, "
                + string.Join(", ", looked.Select((f, i) => $"random() * {i + 1} AS {f}")) + $" FROM range({Entities})");

            await using var gyre = await BenchServer.StartAsync();
            using var client = new Gyre.Client.GyreClient(new Gyre.Client.GyreClientOptions { Server = gyre.Address, Timeout = TimeSpan.FromMinutes(10) });
            await using (var stream = File.OpenRead(train))
            {
                await client.Datasets.AddAsync("serve", stream, DatasetFormat.Csv);
            }
            await client.Trainings.TrainAsync(new TrainingRequest("serve", Task: "binary", Label: "label", Register: "serve"));
            await using (var stream = File.OpenRead(accounts))
            {
                await client.Datasets.AddAsync("accounts-history", stream, DatasetFormat.Csv);
            }
            await client.Features.CreateAsync(new NewFeatureGroup("accounts", "accounts-history@1", ["customer_id"], "ts"));
            var started = DateTime.UtcNow;
            var materialized = await client.Features.MaterializeAsync("accounts");
            Console.WriteLine($"lookup: materialized {materialized.Updated:N0} entities in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
            await MeasureReadsAsync(gyre);
            await client.Endpoints.CreateAsync("all-in-request", "serve/1", logMode: "durable");
            await client.Endpoints.CreateAsync("lookup", "serve/1", logMode: "durable", features: new FeatureLookup(["accounts:*"]));
            await client.Endpoints.CreateAsync("all-in-request-fast", "serve/1", logMode: "fast");
            await client.Endpoints.CreateAsync("lookup-fast", "serve/1", logMode: "fast", features: new FeatureLookup(["accounts:*"]));

            string Value(int i) => ((i + 1) * 0.37).ToString(CultureInfo.InvariantCulture);
            var all = Script(folder, "all.lua", $"return wrk.format(nil, nil, nil, '{{\"instances\": [{{{string.Join(", ", ServeBenchmark.Features.Select((f, i) => $"\"{f}\": {Value(i)}"))}}}]}}')");
            var rest = string.Join(", ", ServeBenchmark.Features.Skip(10).Select((f, i) => $"\"{f}\": {Value(i + 10)}"));
            var lookup = Script(folder, "lookup.lua", $"return wrk.format(nil, nil, nil, '{{\"instances\": [{{\"customer_id\": ' .. math.random(0, {Entities - 1}) .. ', {rest}}}]}}')");
            var targets = new (string Name, string Url, string Script)[]
            {
                ("all features in the request", $"{gyre.Address}endpoints/all-in-request/predict", all),
                ("id + 10, 10 looked up", $"{gyre.Address}endpoints/lookup/predict", lookup),
            };
            Console.WriteLine($"lookup: wrk -t2 -c{ServeBenchmark.Connections} -d{Duration.TotalSeconds:0}s, one row per request; LightGBM on 20 features, durable log; online store of {Entities:N0} entities (SQLite)");
            foreach (var (_, url, script) in targets)
            {
                await ServeBenchmark.WrkAsync(url, script, WarmUp);
            }
            var results = targets.ToDictionary(t => t.Name, _ => new List<ServeBenchmark.WrkResult>());
            for (var round = 1; round <= 3; round++)
            {
                foreach (var (name, url, script) in targets)
                {
                    var result = await ServeBenchmark.WrkAsync(url, script, Duration);
                    results[name].Add(result);
                    Console.WriteLine($"lookup round {round}: {name,-28} {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  non-2xx {result.Errors}");
                }
            }
            // The tail with the durable log is the disk's syncs (9 ms at 4 connections for both); with the fast log, at 4 connections, it is the request's own.
            foreach (var (name, url, script) in targets)
            {
                var light = await ServeBenchmark.WrkAsync(url.Replace("/predict", "-fast/predict", StringComparison.Ordinal), script, Duration, connections: 4);
                Console.WriteLine($"lookup, fast log, 4 connections: {name,-28} {light.RequestsPerSecond,10:N0} req/s  p50 {light.P50Ms,6:0.00} ms  p99 {light.P99Ms,6:0.00} ms  non-2xx {light.Errors}");
            }
            double Best(string name) => results[name].Max(r => r.RequestsPerSecond);
            Console.WriteLine($"lookup: lookup/all-in-request throughput {Best(targets[1].Name) / Best(targets[0].Name):N2}x (goal >= 0.8x); lookup p99 {results[targets[1].Name].Min(r => r.P99Ms):0.00} ms (goal < 5 ms)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>One online read alone, in this process, over random entities: what a lookup adds to a request before the JSON is filled.</summary>
    private static async Task MeasureReadsAsync(BenchServer gyre)
    {
        var store = (Gyre.Core.Features.Online.IOnlineFeatureStore)gyre.Services.GetService(typeof(Gyre.Core.Features.Online.IOnlineFeatureStore))!;
        var random = new Random(3);
        for (var round = 0; round < 2; round++)
        {
            const int Reads = 20_000;
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Reads; i++)
            {
                await store.GetAsync("accounts", [random.Next(Entities).ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
            }
            Console.WriteLine($"lookup: one online read {clock.Elapsed.TotalMicroseconds / Reads:0.0} us, cpu {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Reads:0.0} us");
        }
    }

    private static string Script(string folder, string name, string body)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, $"math.randomseed(7)\nwrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nrequest = function()\n  {body}\nend\n");
        return path;
    }
}
