using System.Diagnostics;
using System.Globalization;
using Gyre.Client;
using Gyre.Core.Serving.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Gyre.Core.Models;
using Gyre.Core.Serving.Batching;

namespace Gyre.Bench;

/// <summary>
/// <c>batching</c>: adaptive batching in the gateway, side by side with bare Kestrel in one run, at
/// 1, 8, 32 and 128 connections (wrk, one row a request): the 30-input ONNX MLP from the fixtures
/// and the serving benchmark's LightGBM model, each with batching on (the ONNX default: up to 64 rows,
/// no delay; and with a 200 µs delay) and off, with the fast log; and the ONNX model with the
/// durable log, on and off, with the log's records per sync.
/// </summary>
internal static class BatchingBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(8);
    private static readonly int[] ConnectionCounts = [1, 8, 32, 128];

    /// <param name="only">Connection counts to run (all of 1, 8, 32 and 128 when empty).</param>
    public static async Task RunAsync(IReadOnlyCollection<int> only)
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-batching-").FullName;
        try
        {
            var (train, lightGbmScript) = await ServeBenchmark.WriteInputsAsync(folder);
            var onnxScript = Path.Combine(folder, "onnx.lua");
            var features = string.Join(", ", Enumerable.Range(0, 30).Select(i => (0.1 + (i * 0.05)).ToString(CultureInfo.InvariantCulture)));
            await File.WriteAllTextAsync(onnxScript,
                $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{{\"instances\": [{{\"features\": [{features}]}}]}}]]\n");
            await using var gyre = await BenchServer.StartAsync();
            using var client = await ServeBenchmark.CreateEndpointsAsync(gyre, train);
            await ImportOnnxAsync(client);
            var on = new BatchSettings(BatchSettings.DefaultMaxRows);
            var delayed = new BatchSettings(BatchSettings.DefaultMaxRows, 200);
            await client.Endpoints.CreateAsync("onnx-off", "mlp/1", logMode: "fast", batching: BatchSettings.Off);
            await client.Endpoints.CreateAsync("onnx-on", "mlp/1", logMode: "fast", batching: on);
            await client.Endpoints.CreateAsync("onnx-delay", "mlp/1", logMode: "fast", batching: delayed);
            await client.Endpoints.CreateAsync("onnx-durable-off", "mlp/1", logMode: "durable", batching: BatchSettings.Off);
            await client.Endpoints.CreateAsync("onnx-durable-on", "mlp/1", logMode: "durable", batching: on);
            await client.Endpoints.CreateAsync("lgbm-off", "serve/1", logMode: "fast", batching: BatchSettings.Off);
            await client.Endpoints.CreateAsync("lgbm-on", "serve/1", logMode: "fast", batching: on);
            await TrainTextModelAsync(client, folder);
            await client.Endpoints.CreateAsync("text-off", "text/1", logMode: "fast", batching: BatchSettings.Off);
            await using var bare = await ServeBenchmark.BareKestrel.StartAsync(null);
            ModelCallCost(gyre);
            if (only.Contains(0))
            {
                return; // batching 0: the models alone
            }

            var targets = new (string Name, string Url, string Script)[]
            {
                ("bare Kestrel", $"{bare.Address}predict", onnxScript),
                ("onnx, off", $"{gyre.Address}endpoints/onnx-off/predict", onnxScript),
                ("onnx, on", $"{gyre.Address}endpoints/onnx-on/predict", onnxScript),
                ("onnx, on, 200 us", $"{gyre.Address}endpoints/onnx-delay/predict", onnxScript),
                ("lightgbm, off", $"{gyre.Address}endpoints/lgbm-off/predict", lightGbmScript),
                ("lightgbm, on", $"{gyre.Address}endpoints/lgbm-on/predict", lightGbmScript),
                ("onnx durable, off", $"{gyre.Address}endpoints/onnx-durable-off/predict", onnxScript),
                ("onnx durable, on", $"{gyre.Address}endpoints/onnx-durable-on/predict", onnxScript),
            };
            foreach (var (_, url, script) in targets)
            {
                await ServeBenchmark.WrkAsync(url, script, WarmUp, 32);
            }
            Console.WriteLine($"batching: wrk -d{Duration.TotalSeconds:0}s, one row a request; fast log unless durable; 2 rounds of each target at each connection count");
            using var http = new HttpClient();
            foreach (var connections in ConnectionCounts.Where(c => only.Count == 0 || only.Contains(c)))
            {
                var best = new Dictionary<string, ServeBenchmark.WrkResult>();
                for (var round = 1; round <= 2; round++)
                {
                    foreach (var (name, url, script) in targets)
                    {
                        var syncs = await DurableSyncFigures.ReadAsync(http, gyre.Address);
                        var calls = await BatchFiguresAsync(http, gyre.Address);
                        var result = await ServeBenchmark.WrkAsync(url, script, Duration, connections);
                        var durable = name.Contains("durable", StringComparison.Ordinal) ? (await DurableSyncFigures.ReadAsync(http, gyre.Address)).Since(syncs, Duration) : "";
                        var after = await BatchFiguresAsync(http, gyre.Address);
                        var batches = after.Calls > calls.Calls ? $"  {(after.Rows - calls.Rows) / (after.Calls - calls.Calls):0.00} rows a call" : "";
                        Console.WriteLine($"batching c{connections,-3} round {round}: {name,-18} {result.RequestsPerSecond,9:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  non-2xx {result.Errors}{batches}{durable}");
                        if (!best.TryGetValue(name, out var seen) || result.RequestsPerSecond > seen.RequestsPerSecond)
                        {
                            best[name] = result;
                        }
                    }
                }
                var floor = best["bare Kestrel"].RequestsPerSecond;
                Console.WriteLine($"batching c{connections}: best of 2 / bare: " + string.Join("; ", targets.Skip(1).Select(t => $"{t.Name} {best[t.Name].RequestsPerSecond / floor:0.00}x (p99 {best[t.Name].P99Ms:0.00} ms)")));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every shared call so far, across endpoints: how many, and how many rows they scored.</summary>
    private static async Task<(double Calls, double Rows)> BatchFiguresAsync(HttpClient http, Uri server)
    {
        var lines = (await http.GetStringAsync(new Uri(server, "metrics"))).Split('\n');
        double Sum(string series) => lines.Where(l => l.StartsWith(series + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        return (Sum("gyre_batch_rows_count"), Sum("gyre_batch_rows_sum"));
    }

    /// <summary>
    /// The limit batching works within: each model alone, called on one thread with one row at a time
    /// and with 64 rows a call, in microseconds a row. What batching can save a request is the
    /// difference. The ML.NET models (LightGBM through Gyre's tree evaluator, and a model with a text
    /// column through ML.NET's row mapper, as <c>PredictionEngine</c> scores) are scored row by row
    /// within a call, so a call of 64 saves only what a call itself costs.
    /// </summary>
    private static void ModelCallCost(BenchServer gyre)
    {
        var router = gyre.Services.GetRequiredService<EndpointRouter>();
        foreach (var (endpoint, model) in new[] { ("onnx-off", "the ONNX MLP"), ("lgbm-off", "LightGBM, 20 columns"), ("text-off", "ML.NET with a text column") })
        {
            var predictor = router.Get(endpoint).Live[0].Predictor;
            FeatureBatch Rows(int rows) => new(rows, [.. predictor.Inputs.Select((c, j) => c.Text
                ? new FeatureColumn(c.Name, null, [.. Enumerable.Repeat<string?>("b", rows)])
                : new FeatureColumn(c.Name, [.. Enumerable.Repeat(0.1 + (j * 0.05), rows)], null))]);
            double MicrosecondsARow(FeatureBatch batch, int calls)
            {
                for (var i = 0; i < calls / 10; i++)
                {
                    predictor.Predict(batch);
                }
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < calls; i++)
                {
                    predictor.Predict(batch);
                }
                return clock.Elapsed.TotalMicroseconds / calls / batch.Rows;
            }
            var one = MicrosecondsARow(Rows(1), 50_000);
            var many = MicrosecondsARow(Rows(64), 2_000);
            Console.WriteLine($"batching: {model} alone, one thread: {one:0.00} us a row called alone, {many:0.00} us a row in calls of 64 ({one / many:0.0}x)");
        }
    }

    /// <summary>A binary model of two numbers and a category (ML.NET scores it through its row mapper: a text column is not compiled), as <c>text/1</c>.</summary>
    private static async Task TrainTextModelAsync(GyreClient client, string folder)
    {
        var path = Path.Combine(folder, "text.csv");
        GeneratedCsv.Write(path, 0.4, "SELECT CASE WHEN x0 + random() > 1 THEN 'yes' ELSE 'no' END AS label, x0, x1, ['a', 'b', 'c'][1 + (i % 3)::INT] AS plan "
            + "FROM (SELECT range AS i, random() * 2 AS x0, random() AS x1 FROM range(2000))");
        await using (var stream = File.OpenRead(path))
        {
            await client.Datasets.AddAsync("text", stream, Core.Data.DatasetFormat.Csv);
        }
        await client.Trainings.TrainAsync(new Core.Learning.Training.TrainingRequest("text", Task: "binary", Label: "label", Register: "text"));
    }

    /// <summary>The fixtures' ONNX MLP (30 inputs, PyTorch's export) as model <c>mlp</c>.</summary>
    private static async Task ImportOnnxAsync(GyreClient client)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Gyre.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("run the benchmark from the repository");
        }
        var fixtures = Path.Combine(root, "tests", "Gyre.Learning.Tests", "Fixtures", "onnx");
        var features = File.ReadLines(Path.Combine(fixtures, "breast_cancer_mlp.csv")).First().Split(',')[..30];
        await using var model = File.OpenRead(Path.Combine(fixtures, "breast_cancer_mlp.onnx"));
        await client.Models.ImportOnnxAsync("mlp", model, new ImportOptions("binary", FeatureColumns: features, OutputMeaning: "score", Classes: ["malignant", "benign"]));
    }
}
