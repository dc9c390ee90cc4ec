using System.Globalization;
using Gyre.Server.Tests.Serving;
using Gyre.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>
/// An endpoint's traffic charts across a restart: the intervals are saved every 10 s of the
/// server's clock and on stopping; after the restart they count as another replica's, added to
/// the new process's own, so the interval a restart cut goes on filling.
/// </summary>
public sealed class TrafficHistoryTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-28T12:00:00Z", CultureInfo.InvariantCulture);

    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public async Task TrafficCharts_KeepTheLastHalfHour_AcrossARestart()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        var first = await TestServer.StartAsync(home: home, time: _time);
        var model = await ServingModels.TrainChurnAsync(first);
        var endpoint = await ServingModels.CreateEndpointAsync(first, model + "/1");
        var variant = (await first.Client.Endpoints.GetAsync(endpoint)).Endpoint.Variants.Single().Name;
        _time.SetUtcNow(Start.AddSeconds(1));
        await PredictAsync(first, endpoint, 30);

        // Ten seconds on, the worker saves the interval that closed.
        _time.SetUtcNow(Start.AddSeconds(10));
        Assert.Equal(30, await SavedRequestsAsync(home, endpoint, Start.ToUnixTimeMilliseconds()));

        // Five more in the next interval; the stop saves them.
        await PredictAsync(first, endpoint, 5);
        await first.StopAsync();
        Assert.Equal(5, await SavedRequestsAsync(home, endpoint, Start.AddSeconds(10).ToUnixTimeMilliseconds()));

        _time.SetUtcNow(Start.AddSeconds(15));
        await using var second = await TestServer.StartAsync(home: home, time: _time);
        var page = await second.Http.GetStringAsync($"/endpoints/{endpoint}");
        Assert.DoesNotContain("No requests in the last 30 minutes", page, StringComparison.Ordinal);
        var requests = Chart(page, "Requests per second");
        Assert.Contains($"{variant} at 2026-11-28 12:00:00 UTC: 3</title>", requests, StringComparison.Ordinal); // 30 in 10 s
        Assert.Contains($"{variant} at 2026-11-28 12:00:10 UTC: 1</title>", requests, StringComparison.Ordinal); // 5 in the 5 s so far

        // The interval cut by the restart goes on filling: 5 + 5 in 5 s.
        await PredictAsync(second, endpoint, 5);
        requests = Chart(await second.Http.GetStringAsync($"/endpoints/{endpoint}"), "Requests per second");
        Assert.Contains($"{variant} at 2026-11-28 12:00:10 UTC: 2</title>", requests, StringComparison.Ordinal);
    }

    private static async Task PredictAsync(TestServer server, string endpoint, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            await server.Client.Endpoints.PredictAsync(endpoint, [new Dictionary<string, object?> { ["tenure"] = 3 + i, ["plan"] = "basic" }]);
        }
    }

    /// <summary>The requests saved for the endpoint's interval starting at <paramref name="start"/>, waiting up to 30 s for a save.</summary>
    private static async Task<long> SavedRequestsAsync(string home, string endpoint, long start)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={new GyreHome(home).DatabasePath};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT requests FROM traffic_by_replica WHERE endpoint = $e AND start = $s";
            command.Parameters.AddWithValue("$e", endpoint);
            command.Parameters.AddWithValue("$s", start);
            if (await command.ExecuteScalarAsync() is long saved)
            {
                return saved;
            }
            if (timeout.IsCancellationRequested)
            {
                return 0;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The figure of the chart with this caption.</summary>
    private static string Chart(string page, string caption)
    {
        var at = page.IndexOf($"<figcaption>{caption}</figcaption>", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no chart '{caption}' on the page");
        return page[at..page.IndexOf("</figure>", at, StringComparison.Ordinal)];
    }
}
