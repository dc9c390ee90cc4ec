using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Serving.Rollouts;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>Each page of the dashboard in a real Chromium: it loads cleanly, shows what the API made, and its main interaction works.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardPagesTests(BrowserFixture browser, DashboardWorld world) : IClassFixture<DashboardWorld>
{
    private Task<DashboardPage> OpenAsync(string path, int width = 1280, int height = 800, string timeZone = "UTC") =>
        DashboardPage.OpenAsync(browser, world.Server.Address, path, width, height, timeZone);

    [Fact]
    public async Task Overview_ShowsEndpointsRunsAndFirings()
    {
        await using var tab = await OpenAsync("/");
        var response = await tab.GoAsync("/");
        Assert.Equal("DENY", response!.Headers["x-frame-options"]);
        Assert.Contains("frame-ancestors 'none'", response.Headers["content-security-policy"], StringComparison.Ordinal);
        await Expect(tab.Page).ToHaveTitleAsync("Overview · Gyre");
        await Expect(tab.Page.Locator("#overview")).ToContainTextAsync(world.Endpoint);
        await Expect(tab.Page.Locator("#overview")).ToContainTextAsync(world.Pipeline);
        await Expect(tab.Page.Locator("#overview")).ToContainTextAsync(world.Policy);
        await tab.ScreenshotAsync("overview");
        tab.AssertClean();
    }

    [Fact]
    public async Task Experiments_FilterSortAndCompareRuns()
    {
        await using var tab = await OpenAsync("/experiments");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = world.Experiment }).ClickAsync();
        await Expect(tab.Page.Locator("#runs tbody tr")).ToHaveCountAsync(3);

        await tab.Page.GetByLabel("Filter (the API's search language)").FillAsync("metrics.auc > 0.8");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(tab.Page.Locator("#runs tbody tr")).ToHaveCountAsync(2);

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "metrics.auc", Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#runs tbody tr").First).ToContainTextAsync("fasttree-run");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "metrics.auc ▲" }).ClickAsync();
        await Expect(tab.Page.Locator("#runs tbody tr").First).ToContainTextAsync("lightgbm-run");
        Assert.Contains("filter=metrics.auc", tab.Page.Url, StringComparison.Ordinal);
        // A key with a space sorts too (it is quoted in the order term).
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "metrics.val loss", Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#runs tbody tr").First).ToContainTextAsync("lightgbm-run");
        await Expect(tab.Page.Locator("#runs tbody tr")).ToHaveCountAsync(2);

        // Column choice: a column left out is gone, the others stay, the filter and order with them.
        await Expect(tab.Page.Locator("#runs thead")).ToContainTextAsync("params.rounds");
        await tab.Page.GetByLabel("params.rounds").UncheckAsync();
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(tab.Page.Locator("#runs thead")).Not.ToContainTextAsync("params.rounds");
        await Expect(tab.Page.Locator("#runs thead")).ToContainTextAsync("metrics.auc");
        await Expect(tab.Page.Locator("#runs tbody tr")).ToHaveCountAsync(2);

        await tab.Page.GetByLabel("Select lightgbm-run").CheckAsync();
        await tab.Page.GetByLabel("Select fasttree-run").CheckAsync();
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Compare selected runs" }).ClickAsync();
        await Expect(tab.Page).ToHaveTitleAsync("Compare runs · Gyre");
        var trainer = tab.Page.Locator("#comparison tr", new() { HasText = "params.trainer" });
        await Expect(trainer).ToHaveClassAsync("differs");
        await Expect(trainer).ToContainTextAsync("lightgbm");
        await Expect(tab.Page.Locator("#comparison tr", new() { HasText = "params.rounds" })).Not.ToHaveClassAsync("differs");
        await Expect(tab.Page.Locator("#comparison tr", new() { HasText = "metrics.auc" })).ToContainTextAsync("0.91");
        // One chart per metric with a history, one line per run.
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "auc over steps" }).Locator("polyline")).ToHaveCountAsync(2);
        await tab.ScreenshotAsync("runs-compare");
        tab.AssertClean();
    }

    [Fact]
    public async Task Experiments_BadFilter_SaysWhatWasExpected()
    {
        await using var tab = await OpenAsync("/experiments");
        var response = await tab.GoAsync($"/experiments/{world.ExperimentId.Value}?filter=metrics.auc+%3E%3E+1");
        Assert.Equal((int)HttpStatusCode.BadRequest, response!.Status);
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("filter");
        // The page still works: the filter box keeps what was typed, to be mended.
        await Expect(tab.Page.GetByLabel("Filter (the API's search language)")).ToHaveValueAsync("metrics.auc >> 1");
    }

    [Fact]
    public async Task RunPage_ChartsEachMetricOverSteps()
    {
        var run = (await world.Server.Client.Runs.SearchAsync(new Core.Api.SearchRunsRequest([world.ExperimentId], Filter: "params.trainer = 'linear'"))).Items.Single();
        await using var tab = await OpenAsync($"/runs/{run.RunId.Value}");
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync("linear-run");
        var chart = tab.Page.Locator("figure.chart", new() { HasText = "auc over steps" });
        await Expect(chart.Locator("circle")).ToHaveCountAsync(5);
        await Expect(chart.Locator("circle").Last.Locator("title")).ToHaveTextAsync("auc at step 4: 0.71");
        tab.AssertClean();
    }

    [Fact]
    public async Task TrainingRunPage_ShowsTheEvaluationCharts_TheVersionsMadeFromIt_AndItsArtifacts()
    {
        var version = await world.Server.Client.Models.GetVersionAsync(world.Model, 2);
        await using var tab = await OpenAsync($"/runs/{version.RunId!.Value.Value}");
        await Expect(tab.Page.Locator("#run-versions")).ToContainTextAsync($"{world.Model} v2");
        var evaluation = tab.Page.Locator("#evaluation");
        await Expect(evaluation.Locator("figure.chart", new() { HasText = "ROC curve (AUC" }).Locator("polyline")).Not.ToHaveCountAsync(0);
        await Expect(evaluation.Locator("figure.chart", new() { HasText = "Precision–recall curve" })).ToHaveCountAsync(1);
        await Expect(evaluation.Locator("figure.chart", new() { HasText = "Calibration" })).ToHaveCountAsync(1);
        await Expect(evaluation.Locator("#confusion tbody tr")).ToHaveCountAsync(2);
        // The matrix adds up to the test part's rows.
        var cells = await evaluation.Locator("#confusion td.cell").AllTextContentsAsync();
        Assert.Equal(125, cells.Sum(c => int.Parse(c, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)));
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Duration");

        await Expect(tab.Page.Locator("#artifact-list")).ToContainTextAsync("evaluation.json");
        await tab.Page.Locator("#artifact-list").GetByRole(AriaRole.Link, new() { Name = "model/" }).ClickAsync();
        await Expect(tab.Page.Locator("#artifact-list")).ToContainTextAsync("gyre-model.json");
        await tab.Page.Locator("#artifact-list").GetByRole(AriaRole.Link, new() { Name = "gyre-model.json" }).ClickAsync();
        await Expect(tab.Page.Locator("#artifact-preview")).ToContainTextAsync("\"flavor\": \"mlnet\"");
        // A binary artifact is not shown as text: it is downloaded, in a sandbox.
        var download = await world.Server.Http.GetAsync($"/runs/{version.RunId.Value.Value}/artifact/model/model.zip?download=true");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("sandbox", download.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        await tab.ScreenshotAsync("run-evaluation");
        tab.AssertClean();
    }

    [Fact]
    public async Task UnknownPath_IsAnHtml404Page_AndTheApiStillAnswersJson()
    {
        await using var tab = await OpenAsync("/");
        var response = await tab.GoAsync("/no/such/page");
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync("Not found");
        await Expect(tab.Page.Locator(".error")).ToContainTextAsync("/no/such/page");
        var api = await world.Server.Http.GetAsync("/api/v1/no-such-route");
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Models_ShowGateVerdicts_AndLineageIsFollowedToTheData()
    {
        await using var tab = await OpenAsync("/models");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = world.Model, Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#versions tbody tr")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator("#versions tbody tr").First).ToContainTextAsync("passed");

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "v2", Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync($"{world.Model} v2");
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("against the champion v1");
        var graph = tab.Page.Locator(".graph svg");
        await Expect(graph.Locator("[data-node]")).Not.ToHaveCountAsync(0);
        await Expect(graph.GetByRole(AriaRole.Link, new() { Name = $"{world.Model}/2" })).ToHaveCountAsync(1);
        await Expect(graph.GetByRole(AriaRole.Link, new() { Name = $"{world.Endpoint}, endpoint" })).ToHaveCountAsync(1);
        await tab.ScreenshotAsync("model-version");

        // Follow the lineage back to the data the model was trained on, then forward again.
        await graph.GetByRole(AriaRole.Link, new() { Name = $"{world.Dataset}@2, dataset version" }).ClickAsync();
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync($"{world.Dataset} v2");
        await Expect(tab.Page.Locator(".graph").GetByRole(AriaRole.Link, new() { Name = $"{world.Model}/2, model version" })).ToHaveCountAsync(1);
        tab.AssertClean();
    }

    [Fact]
    public async Task TrainingRunPage_ShowsTheBiasBySensitiveColumn()
    {
        // Group b's x runs lower, and y follows x: the model, which never sees the group, favours it less.
        var random = new Random(4);
        var csv = new System.Text.StringBuilder("x,group,y\n");
        for (var i = 0; i < 600; i++)
        {
            var inB = random.NextDouble() < 0.4;
            var x = random.NextDouble() - (inB ? 0.3 : 0);
            csv.Append(CultureInfo.InvariantCulture, $"{x:F4},{(inB ? "b" : "a")},{(x + ((random.NextDouble() - 0.5) * 0.2) > 0.5 ? "true" : "false")}\n");
        }
        var name = Unique.Name("dash-bias");
        await world.Server.Client.Datasets.SetSchemaAsync(name, "columns:\n  group: {role: sensitive}\n  y: {role: label}\n");
        await using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString())))
        {
            await world.Server.Client.Datasets.AddAsync(name, stream, Core.Data.DatasetFormat.Csv);
        }
        var response = await world.Server.Http.PostAsJsonAsync("/api/v1/trainings", new Core.Learning.Training.TrainingRequest(name, Task: "binary", Seed: 1, Experiment: name), Core.Json.GyreJson.Options);
        var trained = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<Core.Learning.Training.TrainingResult>(Core.Json.GyreJson.Options))!;
        var expected = trained.Bias!.Single().Report!.Facets.Single(f => f.Facet == "b");

        await using var tab = await OpenAsync($"/runs/{trained.RunId.Value}");
        await Expect(tab.Page.Locator("#evaluation h3", new() { HasText = "Bias by group" })).ToHaveCountAsync(1);
        var rows = tab.Page.Locator("#evaluation table.evaluation-bias tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        // Largest group first: a, then b, whose disparate impact fails the four-fifths rule.
        var b = rows.Nth(1);
        await Expect(b.Locator("td").First).ToHaveTextAsync("b");
        await Expect(b).ToHaveClassAsync("differs");
        await Expect(b.Locator("td").Nth(6)).ToHaveTextAsync(Gyre.Server.Dashboard.Fmt.Num(expected.Posttraining!.Di));
        tab.AssertClean();
    }

    [Fact]
    public async Task FeatureGroups_ShowTheirSchema_TheOfflineStoresParts_AndTheOnlineStoresFreshness()
    {
        var source = Unique.Name("dash-usage");
        await using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("customer_id,ts,calls,plan\nc1,2026-01-01 10:00:00,3,basic\nc2,2026-01-01 11:00:00,5,pro\n")))
        {
            await world.Server.Client.Datasets.AddAsync(source, stream, Core.Data.DatasetFormat.Csv);
        }
        var name = Unique.Name("dash-calls");
        await world.Server.Client.Features.CreateAsync(new Core.Features.NewFeatureGroup(name, source, ["customer_id"], "ts", TtlSeconds: 86400));
        await using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("customer_id,ts,calls,plan\nc1,2026-01-02 10:00:00,4,basic\nc3,2026-01-02 12:00:00,1,pro\nc3,2026-01-03 12:00:00,2,pro\n")))
        {
            await world.Server.Client.Features.IngestAsync(name, stream, Core.Data.DatasetFormat.Csv);
        }

        await using var tab = await OpenAsync("/features");
        await Expect(tab.Page.Locator("#feature-groups tr", new() { HasText = name })).ToContainTextAsync("customer_id");
        await Expect(tab.Page.Locator("#feature-groups tr", new() { HasText = name }).Locator("td.freshness")).ToHaveTextAsync("not materialized");
        // Materialized: the list shows the entities online and how old the newest values are (2026-01-03 12:00, a fixed time).
        await world.Server.Client.Features.MaterializeAsync(name);
        await tab.Page.ReloadAsync();
        var days = (int)(DateTimeOffset.UtcNow - new DateTimeOffset(2026, 1, 3, 12, 0, 0, TimeSpan.Zero)).TotalDays;
        await Expect(tab.Page.Locator("#feature-groups tr", new() { HasText = name }).Locator("td.num").Nth(3)).ToHaveTextAsync("3");
        await Expect(tab.Page.Locator("#feature-groups tr", new() { HasText = name }).Locator("td.freshness")).ToHaveTextAsync($"{days} days old");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#online-store")).ToContainTextAsync("3 entities, each with its latest values");
        await Expect(tab.Page.Locator("#feature-profile tr", new() { HasText = "plan" })).ToContainTextAsync("pro (3), basic (2)");
        await Expect(tab.Page.Locator("#feature-profile tr", new() { HasText = "calls" }).Locator("td").Nth(5)).ToHaveTextAsync(Gyre.Server.Dashboard.Fmt.Num(3.0));
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "calls: mean by part" }).Locator("circle")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator("#online-store")).ToContainTextAsync("2 of 2 part(s) read.");
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync(name);
        await Expect(tab.Page.Locator("#group-features tbody tr")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator("#group-features tr", new() { HasText = "plan" })).ToContainTextAsync("categorical");
        await Expect(tab.Page.Locator("#group-parts tbody tr")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Version 2: 5 rows in 2 part(s)");
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "Rows in the offline store" }).Locator("circle")).ToHaveCountAsync(2);
        // A part is a dataset version, whose page has its profile.
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = $"{name}.features@1" }).ClickAsync();
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync($"{name}.features v1");
        tab.AssertClean();
    }

    [Fact]
    public async Task DatasetVersion_ShowsHistogramsAndTheValidationReport()
    {
        await using var tab = await OpenAsync("/datasets");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = world.Dataset, Exact = true }).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "v1", Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#validation tbody tr")).ToHaveCountAsync(4);
        var warning = tab.Page.Locator("#validation tr", new() { HasText = "has_max" });
        await Expect(warning).ToContainTextAsync("failed");
        await Expect(warning).ToContainTextAsync("5");
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("passed_with_warnings");
        var tenure = tab.Page.Locator("section", new() { Has = tab.Page.Locator("h3", new() { HasText = "tenure" }) });
        await Expect(tenure.Locator("svg.bars rect")).Not.ToHaveCountAsync(0);
        var contract = tab.Page.Locator("section", new() { Has = tab.Page.Locator("h3", new() { HasText = "contract" }) });
        await Expect(contract.Locator("svg.bars rect")).ToHaveCountAsync(3);
        await tab.ScreenshotAsync("dataset-version");
        tab.AssertClean();
    }

    [Fact]
    public async Task Pipelines_ShowTheDagWithStepStates_TriggersAndLogs()
    {
        await using var tab = await OpenAsync("/pipelines");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = world.Pipeline, Exact = true }).ClickAsync();
        await Expect(tab.Page.Locator("#runs tbody tr")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator("#runs tbody tr").First).ToContainTextAsync("manual");
        await Expect(tab.Page.Locator(".graph g.state-succeeded")).ToHaveCountAsync(7);

        await tab.Page.Locator("#runs tbody tr").First.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(tab.Page.Locator("#steps tbody tr")).ToHaveCountAsync(7);
        await tab.Page.Locator(".graph").GetByRole(AriaRole.Link, new() { Name = "ship, deploy" }).ClickAsync();
        await Expect(tab.Page.Locator("#log")).ToHaveTextAsync("Log of ship");
        await Expect(tab.Page.Locator("#step-log")).ToContainTextAsync($"canary rollout {world.CanaryRollout}");
        await tab.ScreenshotAsync("pipeline-run");
        tab.AssertClean();
    }

    [Fact]
    public async Task Monitoring_ShowsDriftOverTime_OnlineMetrics_AndTheFiring()
    {
        await using var tab = await OpenAsync("/monitoring");
        await Expect(tab.Page.Locator("#monitors")).ToContainTextAsync(world.Endpoint);
        await Expect(tab.Page.Locator("#policies")).ToContainTextAsync(world.Policy);
        await tab.Page.Locator("#monitors").GetByRole(AriaRole.Link, new() { Name = world.Endpoint }).ClickAsync();
        var windows = tab.Page.Locator("#windows tbody tr");
        Assert.True(await windows.CountAsync() >= 2);
        await Expect(windows.First).ToContainTextAsync("drift");
        await Expect(windows.Last).ToContainTextAsync("ok");
        await Expect(tab.Page.Locator("#latest-window tr", new() { HasText = "tenure" })).ToContainTextAsync("drift");
        // Each feature as a share of its own test's threshold: one line each, and the drift line at 1.
        var drift = tab.Page.Locator("figure.chart", new() { HasText = "Drift per feature, as a share of its test's threshold" });
        await Expect(drift.Locator("polyline")).ToHaveCountAsync(3);
        await Expect(drift.Locator("line.threshold title")).ToHaveTextAsync("threshold 1");
        await Expect(drift.Locator(".legend")).ToContainTextAsync("tenure (ks)");
        await Expect(tab.Page.Locator("#latest-window tr", new() { HasText = "tenure" })).ToContainTextAsync("Kolmogorov–Smirnov (ks)");
        await Expect(windows.First.Locator("td").Nth(3)).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("^Kolmogorov–Smirnov \\(ks\\): statistic .*p-value"));
        await Expect(windows.First).ToContainTextAsync("alarm");
        // Multivariate drift: the features together, against the reference's band.
        await Expect(tab.Page.Locator("#multivariate")).ToContainTextAsync("PCA reconstruction error over tenure, contract, support_calls");
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "Multivariate drift: mean PCA reconstruction error" }).Locator(".legend")).ToContainTextAsync("reference band, upper");
        // Bias per group: the labelled first window, one row per contract, each against the others.
        var bias = tab.Page.Locator("#bias tbody tr");
        await Expect(bias).ToHaveCountAsync(3);
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Post-training bias by contract for churned = true");
        await Expect(tab.Page.Locator("#bias tr", new() { HasText = "monthly" }).Locator("td").Nth(2)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"));
        // Performance without labels: each window's estimate, one row each, and the chart of estimated against realized accuracy.
        await Expect(tab.Page.Locator("#estimated tbody tr")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "Accuracy: estimated (CBPE) and realized" }).Locator(".legend")).ToContainTextAsync("+3 sampling errors");
        // The sequential detectors: the jump in tenure crosses CUSUM's line at once, and the alarm names where the change began.
        var cusum = tab.Page.Locator("figure.chart", new() { HasText = "CUSUM (k = 0.75; alarm above h = 7)" });
        await Expect(cusum.Locator("line.threshold title")).ToHaveTextAsync("threshold 7");
        await Expect(cusum.Locator(".legend")).ToContainTextAsync("tenure");
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "Page–Hinkley (δ = 0.5; alarm above λ = 12)" })).ToHaveCountAsync(1);
        await Expect(tab.Page.Locator("#sequential tr", new() { HasText = "tenure" })).ToContainTextAsync("alarm");
        await Expect(tab.Page.Locator("#sequential-alarms tr", new() { HasText = "tenure" }).First).ToContainTextAsync(new System.Text.RegularExpressions.Regex("CUSUM\\s*up"));
        // Online accuracy comes first on the page, before the drift.
        var headings = (await tab.Page.Locator("h2").AllTextContentsAsync()).ToList();
        Assert.True(headings.IndexOf("Online metrics") < headings.IndexOf("Data drift"), string.Join(", ", headings));
        await Expect(tab.Page.Locator("#online")).ToContainTextAsync("accuracy");
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("features drifted");
        await tab.ScreenshotAsync("monitoring");
        tab.AssertClean();
    }

    [Fact]
    public async Task Endpoint_ShowsTheLiveSplitAndTraffic_AndAbortsTheCanary()
    {
        await using var tab = await OpenAsync($"/endpoints/{world.Endpoint}");
        await Expect(tab.Page.Locator("#variants tbody tr")).ToHaveCountAsync(2);
        await Expect(tab.Page.Locator(".split")).ToHaveAttributeAsync("aria-label", $"{world.Model}-v1 90%, {world.Model}-v2 10%");
        await Expect(tab.Page.Locator("#progress")).ToContainTextAsync("Step1 of 3");
        await Expect(tab.Page.Locator("figure.chart", new() { HasText = "Requests per second" }).Locator("polyline")).Not.ToHaveCountAsync(0);
        await tab.ScreenshotAsync("endpoint");

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = $"Abort rollout {world.CanaryRollout}" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Rollout {world.CanaryRollout} aborted");
        await Expect(tab.Page.Locator(".split")).ToHaveAttributeAsync("aria-label", $"{world.Model}-v1 100%");
        await Expect(tab.Page.Locator("#rollouts tbody tr").First).ToContainTextAsync("aborted");
        Assert.Equal(RolloutStates.Aborted, (await world.Server.Client.Endpoints.GetRolloutAsync(world.Endpoint, world.CanaryRollout)).State);
        tab.AssertClean();
    }

    [Fact]
    public async Task ShadowEndpoint_ComparesTheCandidateWithoutAnsweringWithIt()
    {
        await using var tab = await OpenAsync($"/endpoints/{world.ShadowEndpoint}");
        await Expect(tab.Page.Locator("#variants tr", new() { HasText = "shadow" })).ToContainTextAsync($"{world.Model}/2");
        await Expect(tab.Page.Locator(".split")).ToHaveAttributeAsync("aria-label", $"{world.Model}-v1 100%");
        // The shadow's copies are compared off the request path: the page catches up with them.
        var shadow = tab.Page.Locator("#shadow tbody tr");
        await Expect(shadow).ToContainTextAsync($"{world.Model}-v2", new() { Timeout = 15_000 });
        await Expect(shadow.Locator("td").Nth(1)).ToHaveTextAsync("50", new() { Timeout = 15_000 });
        await tab.ScreenshotAsync("endpoint-shadow");
        tab.AssertClean();
    }

    [Fact]
    public async Task LivePage_ShowsANewDatasetWithoutAReload()
    {
        await using var tab = await OpenAsync("/datasets");
        var name = Unique.Name("dash-live");
        await world.Server.Client.Datasets.AddAsync(name, new MemoryStream("a,b\n1,2\n"u8.ToArray()), Core.Data.DatasetFormat.Csv);
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync(new() { Timeout = 15_000 });
        tab.AssertClean();
    }

    [Fact]
    public async Task Times_AreShownInTheViewersZone()
    {
        await using var tab = await OpenAsync($"/pipelines/{world.Pipeline}", timeZone: "Asia/Tokyo");
        var time = tab.Page.Locator("#runs time").First;
        var utc = DateTimeOffset.Parse(await time.GetAttributeAsync("datetime") ?? "", CultureInfo.InvariantCulture);
        var tokyo = utc.ToOffset(TimeSpan.FromHours(9));
        await Expect(time).ToContainTextAsync(tokyo.ToString("dd/MM/yyyy, HH:mm:ss", CultureInfo.InvariantCulture));
        tab.AssertClean();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/endpoints/{endpoint}")]
    [InlineData("/monitoring/{endpoint}")]
    [InlineData("/models/{model}/versions/2")]
    public async Task NarrowWindow_NeedsNoSidewaysScrolling(string path)
    {
        await using var tab = await OpenAsync(path.Replace("{endpoint}", world.Endpoint, StringComparison.Ordinal).Replace("{model}", world.Model, StringComparison.Ordinal), width: 390, height: 844);
        var overflow = await tab.Page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{path} is {overflow}px wider than a 390px window");
        if (path == "/endpoints/{endpoint}")
        {
            await tab.ScreenshotAsync("endpoint-narrow");
        }
        tab.AssertClean();
    }

    [Fact]
    public async Task Keyboard_SkipLinkComesFirst_AndNavigationIsReachable()
    {
        await using var tab = await OpenAsync("/models");
        await tab.Page.Keyboard.PressAsync("Tab");
        await Expect(tab.Page.Locator(":focus")).ToHaveTextAsync("Skip to content");
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator(":focus")).ToHaveIdAsync("main");
        for (var i = 0; i < 10 && await tab.Page.Locator(":focus").TextContentAsync() != world.Model; i++)
        {
            await tab.Page.Keyboard.PressAsync("Tab");
        }
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync(world.Model);
        tab.AssertClean();
    }

    [Fact]
    public async Task MissingObject_IsA404PageThatSaysWhatIsMissing()
    {
        await using var tab = await OpenAsync("/");
        var response = await tab.GoAsync("/models/no-such-model/versions/3");
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("no-such-model");
    }
}
