using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using Gyre.Server.Inference.Grpc;

namespace Gyre.Bench;

/// <summary>
/// <c>grpc</c>: the Open Inference Protocol's gRPC infer against its REST infer, side by side on one
/// server, the same LightGBM model (20 columns, 90/10 canary, fast log) and the same rows: REST
/// (JSON, HTTP/1.1, one connection per caller), gRPC with typed contents and gRPC with raw contents
/// (HTTP/2, one channel per 4 callers). Both clients are .NET's own, in this process, so client and
/// server share the machine's two cores alike. Rounds alternate the three, at 1 and 32 rows a request.
/// </summary>
internal static class GrpcBenchmark
{
    private const int Callers = 16;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(4);

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-grpc-").FullName;
        try
        {
            var (train, _) = await ServeBenchmark.WriteInputsAsync(folder);
            await using var gyre = await BenchServer.StartAsync(grpcUrls: "http://127.0.0.1:0");
            using var client = await ServeBenchmark.CreateEndpointsAsync(gyre, train);
            var grpcAddress = new Uri(Gyre.Server.Hosting.GyreServer.GrpcAddresses(gyre.App)[0]);
            var channels = Enumerable.Range(0, Callers / 4).Select(_ => GrpcChannel.ForAddress(grpcAddress)).ToArray();
            var next = 0;
            Console.WriteLine($"grpc: {Callers} callers, {Duration.TotalSeconds:0} s a round after {WarmUp.TotalSeconds:0} s of warm-up; LightGBM, 20 FP32 columns, fast log, canary 90/10");
            foreach (var rows in new[] { 1, 32 })
            {
                var json = RestBody(rows);
                var typed = Typed(rows);
                var raw = Raw(rows);
                var targets = new (string Name, Func<Func<Task>> Caller)[]
                {
                    ("rest-json", () => RestCaller(gyre.Address, json)),
                    ("grpc-typed", () => GrpcCaller(channels[next++ % channels.Length], typed)),
                    ("grpc-raw", () => GrpcCaller(channels[next++ % channels.Length], raw)),
                };
                var results = targets.ToDictionary(t => t.Name, _ => new List<Result>());
                for (var round = 1; round <= 3; round++)
                {
                    foreach (var (name, caller) in targets)
                    {
                        var result = await LoadAsync(caller, WarmUp, Duration);
                        results[name].Add(result);
                        Console.WriteLine($"grpc round {round}, {rows,2} rows: {name,-10} {result.PerSecond,9:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  errors {result.Errors}");
                    }
                }
                var rest = results["rest-json"].Max(r => r.PerSecond);
                Console.WriteLine($"grpc {rows,2} rows, best of each: typed/rest {results["grpc-typed"].Max(r => r.PerSecond) / rest:0.00}x, raw/rest {results["grpc-raw"].Max(r => r.PerSecond) / rest:0.00}x;"
                    + $" p99 rest {results["rest-json"].Min(r => r.P99Ms):0.00} ms, typed {results["grpc-typed"].Min(r => r.P99Ms):0.00} ms, raw {results["grpc-raw"].Min(r => r.P99Ms):0.00} ms");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float Value(int row, int column) => (float)(((column + 1) * 0.37) + (row * 0.01));

    private static string RestBody(int rows)
    {
        var inputs = ServeBenchmark.Features.Select((f, j) =>
            $"{{\"name\": \"{f}\", \"datatype\": \"FP32\", \"shape\": [{rows}], \"data\": [{string.Join(", ", Enumerable.Range(0, rows).Select(r => Value(r, j).ToString("R", CultureInfo.InvariantCulture)))}]}}");
        return $"{{\"inputs\": [{string.Join(", ", inputs)}]}}";
    }

    private static ModelInferRequest Typed(int rows)
    {
        var request = new ModelInferRequest { ModelName = "bench-fast" };
        for (var j = 0; j < ServeBenchmark.Features.Count; j++)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = ServeBenchmark.Features[j], Datatype = "FP32", Shape = { rows }, Contents = new InferTensorContents() };
            tensor.Contents.Fp32Contents.AddRange(Enumerable.Range(0, rows).Select(r => Value(r, j)));
            request.Inputs.Add(tensor);
        }
        return request;
    }

    private static ModelInferRequest Raw(int rows)
    {
        var request = new ModelInferRequest { ModelName = "bench-fast" };
        for (var j = 0; j < ServeBenchmark.Features.Count; j++)
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = ServeBenchmark.Features[j], Datatype = "FP32", Shape = { rows } });
            var bytes = new byte[rows * 4];
            for (var r = 0; r < rows; r++)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(r * 4), Value(r, j));
            }
            request.RawInputContents.Add(ByteString.CopyFrom(bytes));
        }
        return request;
    }

    private static Func<Task> RestCaller(Uri server, string body)
    {
        var http = new HttpClient { BaseAddress = server };
        return async () =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/v2/models/bench-fast/infer", content);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        };
    }

    private static Func<Task> GrpcCaller(GrpcChannel channel, ModelInferRequest request)
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        return async () => await client.ModelInferAsync(request);
    }

    private sealed record Result(double PerSecond, double P50Ms, double P99Ms, long Errors);

    /// <summary><see cref="Callers"/> loops calling as fast as answers come: a warm-up, then a measured spell.</summary>
    private static async Task<Result> LoadAsync(Func<Func<Task>> callerFactory, TimeSpan warmUp, TimeSpan duration)
    {
        var callers = Enumerable.Range(0, Callers).Select(_ => callerFactory()).ToList();
        await RunAsync(callers, warmUp);
        var (latencies, errors) = await RunAsync(callers, duration);
        latencies.Sort();
        return new Result(latencies.Count / duration.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), errors);
    }

    private static async Task<(List<double> Latencies, long Errors)> RunAsync(List<Func<Task>> callers, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long errors = 0;
        var perCaller = await Task.WhenAll(callers.Select(call => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call();
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is HttpRequestException or Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            return latencies;
        })));
        return ([.. perCaller.SelectMany(l => l)], errors);
    }

    private static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
}
