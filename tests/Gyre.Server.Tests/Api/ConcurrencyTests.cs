using System.Net.Http.Json;
using System.Text;

namespace Gyre.Server.Tests.Api;

public sealed class ConcurrencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task SixteenWriters_ThousandMetricsEach_EndWithExactly16000Points_AndNoErrors()
    {
        var http = fixture.Server.Http;
        var run = (await TestServer.JsonAsync(await http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString();
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            // Each writer sends its 1000 points as 100 requests of 10, interleaving with the others.
            for (var batch = 0; batch < 100; batch++)
            {
                var points = string.Join(',', Enumerable.Range(batch * 10, 10).Select(step => $"{{\"key\":\"w{writer}\",\"value\":{step},\"step\":{step}}}"));
                var response = await http.PostAsync($"/api/v1/runs/{run}/log-batch", new StringContent($"{{\"metrics\":[{points}]}}", Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode)
                {
                    var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        })));
        Assert.Empty(failures);

        var total = 0;
        for (var writer = 0; writer < 16; writer++)
        {
            var history = await fixture.Server.Client.Runs.GetMetricHistoryAsync(new Core.Tracking.RunId(run!), $"w{writer}");
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), history.Select(m => m.Step));
            total += history.Count;
        }
        Assert.Equal(16_000, total);
        var latest = (await fixture.Server.Client.Runs.GetAsync(new Core.Tracking.RunId(run!))).Metrics;
        Assert.Equal(16, latest.Count);
        Assert.All(latest, m => Assert.Equal(999, m.Value));
    }

    [Fact]
    public async Task TwoServersOnOneHome_WritingAtOnce_LoseNothing_AndNeverSeeALock()
    {
        // Two servers share no in-process write gate, so this is SQLite's cross-process locking at work.
        await using var first = await TestServer.StartAsync();
        await using var second = await TestServer.StartAsync(home: first.Home);
        var run = (await TestServer.JsonAsync(await first.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString();
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var http = writer % 2 == 0 ? first.Http : second.Http;
            for (var batch = 0; batch < 25; batch++)
            {
                var points = string.Join(',', Enumerable.Range(batch * 20, 20).Select(step => $"{{\"key\":\"w{writer}\",\"value\":{step},\"step\":{step}}}"));
                var response = await http.PostAsync($"/api/v1/runs/{run}/log-batch", new StringContent($"{{\"metrics\":[{points}]}}", Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode)
                {
                    var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        })));
        Assert.Empty(failures);
        var latest = (await second.Client.Runs.GetAsync(new Core.Tracking.RunId(run!))).Metrics;
        Assert.Equal(8, latest.Count);
        for (var writer = 0; writer < 8; writer++)
        {
            Assert.Equal(500, (await first.Client.Runs.GetMetricHistoryAsync(new Core.Tracking.RunId(run!), $"w{writer}")).Count);
        }
    }
}
