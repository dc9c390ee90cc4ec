using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Client;

namespace Gyre.Cli.Tests;

public sealed class CliServingTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    private static (double[] Features, double Reference) DiabetesRow(int index)
    {
        var values = File.ReadLines(Path.Combine(Onnx, "diabetes_mlp.csv")).Skip(1 + index).First().Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (values[..10], values[^1]);
    }

    [Fact]
    public async Task EndpointsThroughTheCli_AndDurableLogging_SurviveKillDashNine()
    {
        var server = await ServerProcess.StartAsync();
        ServerProcess? restarted = null;
        try
        {
            Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(server.Environment, args);
            Assert.Equal(0, (await Gyre("models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression")).ExitCode);
            var created = await Gyre("endpoints", "create", "diabetes", "--model", "diabetes/1");
            Assert.True(created.ExitCode == 0, created.Stderr);
            Assert.Contains("ready", created.Stdout, StringComparison.Ordinal);
            var listed = await Gyre("endpoints", "list");
            Assert.Contains("diabetes/1 100%", listed.Stdout, StringComparison.Ordinal);

            var (features, reference) = DiabetesRow(0);
            var body = JsonSerializer.Serialize(new { instances = new[] { new { features } } });
            var predicted = await Gyre("endpoints", "predict", "diabetes", "--data", body, "--json");
            Assert.True(predicted.ExitCode == 0, predicted.Stderr);
            Assert.Equal(reference, JsonDocument.Parse(predicted.Stdout).RootElement.GetProperty("predictions")[0].GetDouble(), 1e-4);
            var bad = await Gyre("endpoints", "predict", "diabetes", "--data", "{\"instances\": [{\"age\": 1}]}");
            Assert.Equal(1, bad.ExitCode);
            Assert.StartsWith("gyre: error: invalid_argument: instances[0]: missing column 'f0' (FP32), or 'features' with 10 numbers", bad.Stderr.Trim(), StringComparison.Ordinal);

            // Batching (on by default for an ONNX model): set, refused out of range, shown; the load below shares calls of up to 16 rows.
            var batching = await Gyre("endpoints", "batching", "diabetes", "--batch-max-rows", "16", "--batch-max-delay-us", "50");
            Assert.True(batching.ExitCode == 0, batching.Stderr);
            Assert.Contains("Endpoint diabetes batches up to 16 rows a call, waiting up to 50 µs for company", batching.Stdout, StringComparison.Ordinal);
            var zero = await Gyre("endpoints", "batching", "diabetes", "--batch-max-rows", "0");
            Assert.Equal((1, "gyre: error: invalid_argument: batching.max_rows: expected 1 (off) to 10000, got 0"), (zero.ExitCode, zero.Stderr.Trim()));
            var neither = await Gyre("endpoints", "batching", "diabetes");
            Assert.Equal(1, neither.ExitCode);
            Assert.Contains("batching: expected --batch-max-rows and/or --batch-max-delay-us, or --default", neither.Stderr, StringComparison.Ordinal);
            Assert.Contains("up to 16 rows a call", (await Gyre("endpoints", "show", "diabetes")).Stdout, StringComparison.Ordinal);

            // Load from four callers, then kill -9 mid-stream: every id the server acknowledged must be in the log.
            var acknowledged = new ConcurrentBag<string>();
            using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var response = await http.PostAsJsonAsync("/endpoints/diabetes/predict", new { instances = new[] { new { features = DiabetesRow((c * 31) + (i % 31)).Features } } });
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                            acknowledged.Add(answer.GetProperty("prediction_ids")[0].GetString()!);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToList();
            while (acknowledged.Count < 200)
            {
                await Task.Delay(20);
            }
            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(callers);

            restarted = await ServerProcess.StartAsync(server.Home);
            using var client = new GyreClient(new GyreClientOptions { Server = new Uri(restarted.Url) });
            var logged = new HashSet<string>();
            string? token = null;
            do
            {
                var page = await client.Endpoints.ListPredictionsAsync("diabetes", maxResults: 1000, pageToken: token);
                logged.UnionWith(page.Items.Select(p => p.Prediction.PredictionId));
                token = page.NextPageToken;
            }
            while (token is not null);
            var lost = acknowledged.Where(id => !logged.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged predictions are not in the log");
            Assert.True(logged.Count >= acknowledged.Count);

            // The endpoint came back with the server, loaded and answering.
            var status = await client.Endpoints.GetAsync("diabetes");
            Assert.Equal("ready", status.State);
            var again = await client.Endpoints.PredictAsync("diabetes", [new Dictionary<string, object?> { ["features"] = features }]);
            Assert.Equal(reference, again.Predictions[0].GetDouble(), 1e-4);

            var parquet = Path.Combine(restarted.Home, "export.parquet");
            var exported = await GyreProcess.RunAsync(restarted.Environment, "endpoints", "predictions", "diabetes", "--output", parquet);
            Assert.True(exported.ExitCode == 0, exported.Stderr);
            Assert.True(new FileInfo(parquet).Length > 0);
            Assert.Equal(0, (await GyreProcess.RunAsync(restarted.Environment, "endpoints", "delete", "diabetes")).ExitCode);
            Assert.Equal(1, (await GyreProcess.RunAsync(restarted.Environment, "endpoints", "show", "diabetes")).ExitCode);
        }
        finally
        {
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
            await server.DisposeAsync();
        }
    }

    private static async Task<string> WeightsAsync(ServerProcess server)
    {
        var shown = await GyreProcess.RunAsync(server.Environment, "endpoints", "show", "diabetes", "--json");
        return string.Join(" ", JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("endpoint").GetProperty("variants").EnumerateArray()
            .Select(v => $"{v.GetProperty("model_version").GetInt64()}:{v.GetProperty("weight").GetInt32()}"));
    }

    [Fact]
    public async Task ACanaryKilledMidway_ContinuesAfterRestart_AndIsPutRightIfItsTrafficWasNeverMoved()
    {
        var server = await ServerProcess.StartAsync();
        var restarts = new List<ServerProcess>();
        try
        {
            Task<GyreProcess.Result> Gyre(ServerProcess s, params string[] args) => GyreProcess.RunAsync(s.Environment, args);
            var import = Path.Combine(Onnx, "diabetes_mlp.onnx");
            Assert.Equal(0, (await Gyre(server, "models", "import", import, "--name", "diabetes", "--task", "regression")).ExitCode);
            Assert.Equal(0, (await Gyre(server, "models", "import", import, "--name", "diabetes", "--task", "regression")).ExitCode);
            Assert.Equal(0, (await Gyre(server, "endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
            var started = await Gyre(server, "endpoints", "rollout", "start", "diabetes", "--model", "diabetes/2", "--steps", "20,100", "--bake-seconds", "3600");
            Assert.True(started.ExitCode == 0, started.Stderr);
            Assert.Contains("canary diabetes/2 at 20%", started.Stdout, StringComparison.Ordinal);

            await server.KillAsync();
            var second = await ServerProcess.StartAsync(server.Home);
            restarts.Add(second);
            var status = await Gyre(second, "endpoints", "rollout", "status", "diabetes", "--json");
            var rollout = JsonDocument.Parse(status.Stdout).RootElement;
            Assert.Equal(("running", 0), (rollout.GetProperty("state").GetString(), rollout.GetProperty("step").GetInt32()));
            Assert.Equal("1:80 2:20", await WeightsAsync(second));

            // A crash between recording a step and moving traffic: the record says 20%, the endpoint 100/0.
            await second.KillAsync();
            using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.Home, "gyre.db")};Pooling=false"))
            {
                db.Open();
                using var command = db.CreateCommand();
                command.CommandText = "UPDATE endpoints SET variants = '[{\"name\":\"diabetes-v1\",\"model_name\":\"diabetes\",\"model_version\":1,\"weight\":100,\"role\":\"live\"}]'";
                Assert.Equal(1, command.ExecuteNonQuery());
            }
            var third = await ServerProcess.StartAsync(server.Home);
            restarts.Add(third);
            Assert.Equal("1:80 2:20", await WeightsAsync(third));

            var aborted = await Gyre(third, "endpoints", "rollout", "abort", "diabetes");
            Assert.True(aborted.ExitCode == 0, aborted.Stderr);
            Assert.Contains("aborted", aborted.Stdout, StringComparison.Ordinal);
            Assert.Equal("1:100", await WeightsAsync(third));
            var none = await Gyre(third, "endpoints", "rollout", "abort", "diabetes");
            Assert.Equal(1, none.ExitCode);
            Assert.Contains("endpoint 'diabetes' has no running rollout", none.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var restarted in restarts)
            {
                await restarted.DisposeAsync();
            }
            await server.DisposeAsync();
        }
    }
}
