using System.Diagnostics;
using System.Net;

namespace Gyre.Bench;

/// <summary>
/// <c>tracing</c>: what OpenTelemetry tracing costs the gateway. The serving benchmark's load (wrk,
/// one row × 20 features, LightGBM, a 90/10 canary, durable log) against a server without tracing and
/// a server exporting over OTLP/HTTP to a sink on loopback (one that answers 200 and keeps nothing),
/// sampled at 1% (<c>parentbased_traceidratio</c>, 0.01), in alternating rounds. The two never run
/// at once: a tracer provider listens to every activity in the process, so a second server beside
/// it would pay for its listener too. Each round starts its server, trains, warms up and measures.
/// </summary>
internal static class TracingBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    private static readonly string[] Variables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG"];

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-tracing-").FullName;
        using var sink = new HttpListener();
        var port = ServeBenchmark.FreePort();
        sink.Prefixes.Add($"http://127.0.0.1:{port}/");
        sink.Start();
        long exports = 0;
        _ = Task.Run(async () =>
        {
            while (sink.IsListening)
            {
                try
                {
                    var context = await sink.GetContextAsync();
                    await context.Request.InputStream.CopyToAsync(Stream.Null);
                    Interlocked.Increment(ref exports);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
        try
        {
            var (train, script) = await ServeBenchmark.WriteInputsAsync(folder);
            Console.WriteLine($"tracing: wrk -t2 -c{ServeBenchmark.Connections} -d{Duration.TotalSeconds:0}s, one row x 20 features; LightGBM, durable log, canary 90/10; on = OTLP/HTTP to a loopback sink, sampled at 1%");
            var results = new Dictionary<string, List<ServeBenchmark.WrkResult>> { ["off"] = [], ["on"] = [] };
            for (var round = 1; round <= 3; round++)
            {
                foreach (var mode in new[] { "off", "on" })
                {
                    string?[] values = mode == "on" ? [$"http://127.0.0.1:{port}", "http/protobuf", "parentbased_traceidratio", "0.01"] : [null, null, null, null];
                    for (var i = 0; i < Variables.Length; i++)
                    {
                        Environment.SetEnvironmentVariable(Variables[i], values[i]);
                    }
                    await using (var gyre = await BenchServer.StartAsync())
                    {
                        using var client = await ServeBenchmark.CreateEndpointsAsync(gyre, train);
                        var url = $"{gyre.Address}endpoints/bench/predict";
                        await ServeBenchmark.WrkAsync(url, script, WarmUp);
                        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                        var exported = Interlocked.Read(ref exports);
                        var result = await ServeBenchmark.WrkAsync(url, script, Duration);
                        var requests = result.RequestsPerSecond * Duration.TotalSeconds;
                        results[mode].Add(result);
                        Console.WriteLine($"tracing round {round}: {mode,-3} {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  non-2xx {result.Errors}"
                            + $"  cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / requests,5:0} us/req  exports {Interlocked.Read(ref exports) - exported}");
                    }
                }
            }
            foreach (var name in Variables)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
            var on = results["on"].Max(r => r.RequestsPerSecond);
            var off = results["off"].Max(r => r.RequestsPerSecond);
            Console.WriteLine($"tracing: on/off throughput {on / off:0.00}x (goal >= 0.95x), best of each; p99 on {results["on"].Min(r => r.P99Ms):0.00} ms, off {results["off"].Min(r => r.P99Ms):0.00} ms");
        }
        finally
        {
            sink.Stop();
            Directory.Delete(folder, recursive: true);
        }
    }
}
