using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>
/// Traces leave a real <c>gyre server</c> over OTLP when OpenTelemetry's own variables say where:
/// a receiver on loopback (an HTTP listener standing in for a collector) gets the HTTP server's spans
/// and Gyre's own, with the service name from <c>OTEL_SERVICE_NAME</c>, and no span of the health
/// checks. OTLP/HTTP's protobuf carries names and attribute keys as plain UTF-8, which is what is read.
/// </summary>
public sealed class OtlpExportTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    [Fact]
    public async Task WithAnOtlpEndpoint_TheServersSpansReachTheCollector()
    {
        var port = ServerProcess.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<(string Path, string ContentType, byte[] Body)>();
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType ?? "", body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        });

        await using var server = await ServerProcess.StartCommandAsync("server", null, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_SERVICE_NAME"] = "gyre-under-test",
        });
        Assert.Equal(0, (await GyreProcess.RunAsync(server.Environment, "models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression")).ExitCode);
        Assert.Equal(0, (await GyreProcess.RunAsync(server.Environment, "endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        }
        var predicted = await http.PostAsJsonAsync("/endpoints/diabetes/predict", new { instances = new[] { new { features = new double[10] } } });
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);

        string[] expected = ["gyre-under-test", "gyre.inference", "gyre.model.predict", "gyre.log.append", "gyre.endpoint", "diabetes-v1", "http.request.method", "http.route"];
        var clock = Stopwatch.StartNew();
        string everything;
        do
        {
            await Task.Delay(100);
            everything = string.Concat(received.Select(r => Encoding.UTF8.GetString(r.Body)));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the collector did not get {string.Join(", ", expected.Where(e => !everything.Contains(e, StringComparison.Ordinal)))}");
        }
        while (!expected.All(e => everything.Contains(e, StringComparison.Ordinal)));
        Assert.All(received, r => Assert.Equal(("/v1/traces", "application/x-protobuf"), (r.Path, r.ContentType)));
        Assert.DoesNotContain("/healthz", everything, StringComparison.Ordinal);
        collector.Stop();
    }
}
