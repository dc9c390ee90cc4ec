using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Monitoring.Monitors;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// Training/serving skew: an endpoint that looks its features up is clean while the online store agrees
/// with the offline one; when rows arrive in the offline store that the online store has not read, and a
/// caller sends a value of its own, the window's check counts each differing feature, a policy fires on it,
/// the gauge says so, and the monitoring page (in Chromium) shows it.
/// </summary>
[Collection(Dashboard.DashboardCollection.Name)]
public sealed class FeatureSkewTests(Dashboard.BrowserFixture browser) : ClockedMonitorTests
{
    private const int WindowRows = 20;

    [Fact]
    public async Task AStaleOnlineStore_AndACallersOwnValue_AreSkew_CountedPerFeature()
    {
        var random = new Random(11);
        var training = new StringBuilder("x1,x2,y\n");
        for (var i = 0; i < 400; i++)
        {
            var (a, b) = (Normal(random), Normal(random));
            training.Append(CultureInfo.InvariantCulture, $"{a:0.####},{b:0.####},{(Outcome(a + b, random) ? "true" : "false")}\n");
        }
        var model = await TrainBinaryAsync("skew", training.ToString(), null, new Dictionary<string, double> { ["min_data_per_leaf"] = 5 });

        // Profiles of 20 customers, from the day before the clock's now.
        var profiles = new StringBuilder("customer_id,ts,x1,x2\n");
        for (var c = 1; c <= WindowRows; c++)
        {
            profiles.Append(CultureInfo.InvariantCulture, $"{c},2026-11-27 12:00:00,{c / 10.0},{-c / 10.0}\n");
        }
        var source = await Server.Client.AddCsvAsync("profiles", profiles.ToString());
        var group = Unique.Name("profile");
        await Server.Client.Features.CreateAsync(new NewFeatureGroup(group, $"{source}@1", ["customer_id"], "ts"));
        await Server.Client.Features.MaterializeAsync(group);
        var endpoint = Unique.Name("skewed");
        await Server.Client.Endpoints.CreateAsync(endpoint, $"{model}/1", features: new FeatureLookup([$"{group}:*"]));
        await Server.Client.Endpoints.SetMonitorAsync(endpoint, new MonitorSettings(WindowPredictions: WindowRows));
        var policy = Unique.Name("skew-policy");
        await Server.Client.Policies.ApplyAsync($"name: {policy}\nendpoint: {endpoint}\nwhen:\n  - {{feature_skew: x1, above: 0.1}}\nthen:\n  - {{webhook: \"http://127.0.0.1:9/hook\", retries: 0}}\n");

        async Task PredictAsync(Func<int, object> row)
        {
            for (var c = 1; c <= WindowRows; c++)
            {
                var response = await Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { row(c) } });
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                Time.Advance(TimeSpan.FromMilliseconds(10));
            }
        }
        await PredictAsync(c => new { customer_id = c });
        var clean = (await WindowsAsync(endpoint, 1))[0].Skew!;
        Assert.Equal(WindowRows, clean.Sampled);
        Assert.Equal([(group, "x1", WindowRows, 0), (group, "x2", WindowRows, 0)], clean.Features.Select(f => (f.Group, f.Feature, f.Compared, f.Mismatches)));
        Assert.Empty((await Server.Client.Policies.FiringsAsync(policy)).Items);

        // New rows for customers 1-5, from this morning, reach the offline store but not the online one:
        // their x1 changed (x2 did not). Customer 6's caller sends an x2 of its own.
        var late = new StringBuilder("customer_id,ts,x1,x2\n");
        for (var c = 1; c <= 5; c++)
        {
            late.Append(CultureInfo.InvariantCulture, $"{c},2026-11-28 06:00:00,{c / 10.0 + 1},{-c / 10.0}\n");
        }
        await using (var rows = new MemoryStream(Encoding.UTF8.GetBytes(late.ToString())))
        {
            await Server.Client.Features.IngestAsync(group, rows, DatasetFormat.Csv);
        }
        await PredictAsync(c => c == 6 ? new { customer_id = c, x2 = 9.0 } : (object)new { customer_id = c });
        var windows = await WindowsAsync(endpoint, 2);
        var skew = windows[1].Skew!;
        var (x1, x2) = (skew.Features.Single(f => f.Feature == "x1"), skew.Features.Single(f => f.Feature == "x2"));
        Assert.Equal((WindowRows, 5, 0.25), (x1.Compared, x1.Mismatches, x1.Rate));
        Assert.Equal(("0.1", "1.1"), (x1.Example!.Served, x1.Example.Offline));
        Assert.Equal((WindowRows, 1, "9", "-0.6"), (x2.Compared, x2.Mismatches, x2.Example!.Served, x2.Example.Offline));

        var firing = Assert.Single((await Server.Client.Policies.FiringsAsync(policy)).Items);
        Assert.StartsWith($"training/serving skew at window {windows[1].Id}: {group}:x1 differed from the offline store in 5 of 20 sampled predictions (25.0 %), above 10.0 %; e.g. ", firing.Evidence[0], StringComparison.Ordinal);
        var metrics = await Server.Http.GetStringAsync("/metrics");
        Assert.Contains($"gyre_feature_skew{{endpoint=\"{endpoint}\",group=\"{group}\",feature=\"x1\"}} 0.25", metrics, StringComparison.Ordinal);

        await using (var tab = await Dashboard.DashboardPage.OpenAsync(browser, Server.Address, $"/monitoring/{endpoint}"))
        {
            var row = tab.Page.Locator("#skew tr", new() { HasText = "x1" });
            await Microsoft.Playwright.Assertions.Expect(row).ToHaveClassAsync("differs");
            await Microsoft.Playwright.Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("5");
            await Microsoft.Playwright.Assertions.Expect(row.Locator("td").Nth(5)).ToContainTextAsync("served 0.1, offline 1.1");
            tab.AssertClean();
        }

        // Materialised, the online store agrees again.
        await Server.Client.Features.MaterializeAsync(group);
        Time.Advance(FeatureLookups.Held);
        await PredictAsync(c => new { customer_id = c });
        Assert.All((await WindowsAsync(endpoint, 3))[2].Skew!.Features, f => Assert.Equal(0, f.Mismatches));
    }
}
