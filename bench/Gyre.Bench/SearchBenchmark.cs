using System.Diagnostics;
using System.Text;
using Gyre.Core.Tracking;
using Gyre.Storage;

namespace Gyre.Bench;

/// <summary>
/// runs/search over 10,000 runs with a filter and an order, through HTTP, beside a baseline
/// measured in the same process at the same moment: GET /healthz, the cost of one HTTP round trip.
/// </summary>
internal static class SearchBenchmark
{
    private const int RunCount = 10_000;
    private const int Queries = 300;

    private const string Body = """
        {"experiment_ids": ["0"],
         "filter": "metrics.auc > 0.8 AND params.trainer = 'lightgbm' AND (tags.team = 'growth' OR tags.team = 'risk')",
         "order_by": ["metrics.auc DESC"], "max_results": 100}
        """;

    public static async Task RunAsync()
    {
        await using var server = await BenchServer.StartAsync();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(server.Home);
        Console.WriteLine($"search: seeded {RunCount:N0} runs in {seeding.Elapsed.TotalSeconds:N1} s");

        using var http = new HttpClient { BaseAddress = server.Address };
        var first = await http.PostAsync("/api/v1/runs/search", new StringContent(Body, Encoding.UTF8, "application/json"));
        var items = System.Text.Json.JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("items").GetArrayLength();
        Console.WriteLine($"search: the query returns {items} runs per page");

        var search = new List<double>();
        var health = new List<double>();
        for (var i = 0; i < Queries; i++)
        {
            health.Add(await TimeAsync(() => http.GetAsync("/healthz")));
            search.Add(await TimeAsync(() => http.PostAsync("/api/v1/runs/search", new StringContent(Body, Encoding.UTF8, "application/json"))));
        }
        Console.WriteLine($"search: runs/search p50 {P(search, 0.5):N1} ms, p95 {P(search, 0.95):N1} ms, p99 {P(search, 0.99):N1} ms");
        Console.WriteLine($"search: baseline GET /healthz p50 {P(health, 0.5):N2} ms, p95 {P(health, 0.95):N2} ms; ratio at p95 {P(search, 0.95) / P(health, 0.95):N0}x");
    }

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> call)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await call();
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        return stopwatch.Elapsed.TotalMilliseconds;
    }

    internal static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)];
    }

    /// <summary>Seeds through the store (a second opener of the same home, as a second process would be).</summary>
    private static async Task SeedAsync(string home)
    {
        using var storage = await GyreStorage.OpenAsync(new GyreHome(home), random: new Random(1));
        var random = new Random(42);
        string[] trainers = ["lightgbm", "fasttree", "linear"];
        string[] teams = ["growth", "risk", "ops", "core"];
        for (var i = 0; i < RunCount; i++)
        {
            var run = await storage.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default, $"run-{i}"), CancellationToken.None);
            await storage.Tracking.LogBatchAsync(run.RunId, new LogBatch(
                [new Metric("auc", random.NextDouble(), 0, 1), new Metric("loss", random.NextDouble(), 0, 1), new Metric("f1", random.NextDouble(), 0, 1)],
                [new Param("trainer", trainers[i % 3]), new Param("lr", (random.Next(1, 100) / 100.0).ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [new Tag("team", teams[i % 4])]), CancellationToken.None);
        }
    }
}
