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
}
