using System.Net.Http.Json;
using Gyre.Core.Tracking;

namespace Gyre.Server.Tests.Api;

public sealed class ConcurrencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static async Task<RunId> NewRunAsync(TestServer server) =>
        new((await TestServer.JsonAsync(await server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString()!);

    [Fact]
    public async Task SixteenWriters_ThousandMetricsEach_EndWithExactly16000Points_AndNoErrors()
    {
        var run = await NewRunAsync(fixture.Server);
        // Each writer sends its 1000 points as 100 requests of 10, interleaving with the others.
        Assert.Empty(await ConcurrentWriters.RunAsync([fixture.Server.Http], run.Value, writers: 16, batches: 100, batchSize: 10));

        var total = 0;
        for (var writer = 0; writer < 16; writer++)
        {
            var history = await fixture.Server.Client.Runs.GetMetricHistoryAsync(run, $"w{writer}");
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), history.Select(m => m.Step));
            total += history.Count;
        }
        Assert.Equal(16_000, total);
        var latest = (await fixture.Server.Client.Runs.GetAsync(run)).Metrics;
        Assert.Equal(16, latest.Count);
        Assert.All(latest, m => Assert.Equal(999, m.Value));
    }

    [Fact]
    public async Task TwoServersOnOneHome_WritingAtOnce_LoseNothing_AndNeverSeeALock()
    {
        // Two servers share no in-process write gate, so this is SQLite's cross-process locking at work.
        await using var first = await TestServer.StartAsync();
        await using var second = await TestServer.StartAsync(home: first.Home);
        var run = await NewRunAsync(first);
        Assert.Empty(await ConcurrentWriters.RunAsync([first.Http, second.Http], run.Value, writers: 8, batches: 25, batchSize: 20));

        Assert.Equal(8, (await second.Client.Runs.GetAsync(run)).Metrics.Count);
        for (var writer = 0; writer < 8; writer++)
        {
            Assert.Equal(500, (await first.Client.Runs.GetMetricHistoryAsync(run, $"w{writer}")).Count);
        }
    }
}
