using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>
/// Debian's <c>prometheus</c> on a free loopback port with a throwaway data folder, scraping the
/// given targets every second as job <c>gyre</c> and evaluating the given rule files every second.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PrometheusServer(Process process, string folder, HttpClient http)
    {
        (_process, _folder, Http) = (process, folder, http);
    }

    public HttpClient Http { get; }

    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<string> targets, IReadOnlyList<string> ruleFiles)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gyre-cli-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{string.Join(", ", ruleFiles.Select(f => $"'{f}'"))}]
            scrape_configs:
              - job_name: gyre
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var port = ServerProcess.FreePort();
        var info = new ProcessStartInfo("prometheus",
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var log = process.StandardError.ReadToEndAsync();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var server = new PrometheusServer(process, folder, http);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus exited: {await log}");
            }
            try
            {
                if ((await http.GetAsync("/-/ready")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("prometheus was not ready within 30 s");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>An instant query's answer (<c>/api/v1/query</c>): its status, error if any, and result.</summary>
    public async Task<JsonElement> QueryAsync(string promql)
    {
        using var response = await Http.PostAsync("/api/v1/query", new FormUrlEncodedContent([new("query", promql)]));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The series an instant query returns (fails the test on an error).</summary>
    public async Task<IReadOnlyList<JsonElement>> SeriesAsync(string promql)
    {
        var answer = await QueryAsync(promql);
        Assert.True(answer.GetProperty("status").GetString() == "success", $"{promql}: {answer}");
        return [.. answer.GetProperty("data").GetProperty("result").EnumerateArray()];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
