using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>
/// A real Prometheus scraping a real <c>gyre server</c> with deploy/prometheus/rules.yaml loaded:
/// traffic and a canary that fails (its model refuses the callers' rows) go through Gyre, and
/// Prometheus's HTTP API then holds Gyre's series with their labels, a recording rule's value, and
/// the canary alert. Every query of every Grafana dashboard under deploy/grafana is evaluated
/// against the same server: none may fail to parse, and those on series Gyre exposes here must
/// return data.
/// </summary>
public sealed partial class PrometheusScrapeTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    [Fact]
    public async Task ACanaryFailingThroughGyre_RaisesTheAlert_AndEveryDashboardQueryEvaluates()
    {
        await using var server = await ServerProcess.StartAsync();
        Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(server.Environment, args);
        Assert.Equal(0, (await Gyre("models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression")).ExitCode);
        // Version 2 reads 13 inputs, not the diabetes callers' 10: as a canary it refuses their rows.
        Assert.Equal(0, (await Gyre("models", "import", Path.Combine(Onnx, "wine_mlp.onnx"), "--name", "diabetes", "--task", "multiclass", "--classes", "a,b,c")).ExitCode);
        Assert.Equal(0, (await Gyre("endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
        // A labelling queue, for the labelling dashboard's series.
        Assert.Equal(0, (await Gyre("labels", "queue", "create", "diabetes-review", "--endpoint", "diabetes", "--strategy", "random", "--rate", "5%")).ExitCode);
        await using var prometheus = await PrometheusServer.StartAsync([new Uri(server.Url).Authority], [RepositoryFiles.Deploy("prometheus", "rules.yaml")]);

        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var body = new { instances = new[] { new { features = new double[] { 0.03, 0.05, 0.06, 0.02, -0.04, -0.03, -0.04, -0.002, 0.02, -0.02 } } } };
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await http.PostAsJsonAsync("/endpoints/diabetes/predict", body)).IsSuccessStatusCode);
        }
        // The stable variant's traffic is a series with the labels the rules and dashboards group by.
        var answered = await EventuallyAsync(prometheus, "gyre_inference_requests_total{job=\"gyre\",endpoint=\"diabetes\"}", r => r.Count > 0);
        var labels = answered[0].GetProperty("metric");
        Assert.Equal(("diabetes-v1", "gyre", "simple"), (labels.GetProperty("variant").GetString(), labels.GetProperty("job").GetString(), labels.GetProperty("protocol").GetString()));
        Assert.Equal(new Uri(server.Url).Authority, labels.GetProperty("instance").GetString());

        using (var started = await http.PostAsJsonAsync("/api/v1/endpoints/diabetes/rollouts", new
        {
            model = "diabetes/2",
            strategy = "canary",
            steps = new[] { 50, 100 },
            bake_seconds = 2,
            min_requests = 5,
            max_error_rate_increase = 0.05,
            max_extensions = 0,
        }))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }
        var clock = Stopwatch.StartNew();
        string? state;
        do
        {
            await http.PostAsJsonAsync("/endpoints/diabetes/predict", body); // half of these fail on the canary
            var page = await http.GetFromJsonAsync<JsonElement>("/api/v1/endpoints/diabetes/rollouts");
            state = page.GetProperty("items")[0].GetProperty("state").GetString();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the canary is still {state}");
        }
        while (state == "running");
        Assert.Equal("failed", state);

        // The alert, from the rollout counter Gyre exposes, through the rules as shipped.
        var alert = await EventuallyAsync(prometheus, "ALERTS{alertname=\"GyreCanaryFailed\"}", r => r.Count > 0);
        Assert.Equal("diabetes", alert[0].GetProperty("metric").GetProperty("endpoint").GetString());
        Assert.Contains(alert[0].GetProperty("metric").GetProperty("alertstate").GetString(), new[] { "pending", "firing" });
        // A recording rule has a value: the stable variant's request rate.
        var rate = await EventuallyAsync(prometheus, "endpoint_variant:gyre_inference_requests:rate5m{endpoint=\"diabetes\",variant=\"diabetes-v1\"}", r => r.Count > 0);
        Assert.True(double.Parse(rate[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The canary's refusals are counted as errors of the endpoint.
        await EventuallyAsync(prometheus, "gyre_inference_errors_total{endpoint=\"diabetes\",code=\"invalid_argument\"} > 0", r => r.Count > 0);

        // Every dashboard query parses and evaluates; those on gateway series return data; and every
        // series a query names is one Prometheus holds now (Gyre's, or a recording rule's), except
        // the drift monitor's and the shadows' comparisons, which exist only once an endpoint's
        // monitor has checked a window, or an endpoint has a shadow.
        var queries = Directory.GetFiles(RepositoryFiles.Deploy("grafana"), "*.json").SelectMany(Queries).ToList();
        var names = (await prometheus.Http.GetFromJsonAsync<JsonElement>("/api/v1/label/__name__/values")).GetProperty("data").EnumerateArray().Select(n => n.GetString()!).ToHashSet(StringComparer.Ordinal);
        foreach (var (dashboard, panel, expr) in queries)
        {
            foreach (var name in SeriesName().Matches(expr).Select(m => m.Value).Where(n => !n.StartsWith("gyre_drift_", StringComparison.Ordinal) && n != "gyre_shadow_comparisons"))
            {
                Assert.True(names.Contains(name), $"{dashboard} / {panel}: {name} is no series Prometheus holds");
            }
        }
        Assert.True(queries.Count >= 39, $"{queries.Count} dashboard queries");
        foreach (var (dashboard, panel, expr) in queries)
        {
            var promql = expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__interval", "15s", StringComparison.Ordinal)
                .Replace("$endpoint", ".*", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal).Replace("$queue", ".*", StringComparison.Ordinal);
            Assert.DoesNotContain("$", promql, StringComparison.Ordinal);
            var answer = await prometheus.QueryAsync(promql);
            Assert.True(answer.GetProperty("status").GetString() == "success", $"{dashboard} / {panel}: {promql}: {answer}");
            if ((dashboard == "gyre-gateway.json" && promql.Contains("gyre_inference_requests_total", StringComparison.Ordinal))
                || (dashboard == "gyre-labelling.json" && promql.Contains("gyre_label_", StringComparison.Ordinal) && !promql.Contains("vector(0)", StringComparison.Ordinal)))
            {
                Assert.True(answer.GetProperty("data").GetProperty("result").GetArrayLength() > 0, $"{dashboard} / {panel}: {promql} returned nothing");
            }
        }
    }

    /// <summary>Every (dashboard, panel title, expression) of a Grafana dashboard's panels, rows' panels included.</summary>
    private static IEnumerable<(string Dashboard, string Panel, string Expr)> Queries(string file)
    {
        var model = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        Assert.False(string.IsNullOrEmpty(model.GetProperty("uid").GetString()));
        var variables = model.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Contains("endpoint", variables);
        Assert.Contains("instance", variables);
        foreach (var panel in Panels(model))
        {
            foreach (var target in panel.TryGetProperty("targets", out var targets) ? targets.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                yield return (Path.GetFileName(file), panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!);
            }
        }
    }

    /// <summary>Gyre's metric names and the recording rules' (level:metric:operations) in a query.</summary>
    [GeneratedRegex(@"\b(?:gyre_[a-z0-9_]+|[a-z_]+:gyre_[a-z0-9_]+:[a-z0-9_]+)\b")]
    private static partial Regex SeriesName();

    private static IEnumerable<JsonElement> Panels(JsonElement parent) =>
        parent.TryGetProperty("panels", out var panels) ? panels.EnumerateArray().SelectMany(p => Panels(p).Prepend(p)) : [];

    /// <summary>Queries until <paramref name="done"/> holds (scrapes and rule evaluations are every second), for up to 30 s.</summary>
    private static async Task<IReadOnlyList<JsonElement>> EventuallyAsync(PrometheusServer prometheus, string promql, Func<IReadOnlyList<JsonElement>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var series = await prometheus.SeriesAsync(promql);
            if (done(series))
            {
                return series;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{promql}: not within 30 s (now {series.Count} series)");
            await Task.Delay(250);
        }
    }
}
