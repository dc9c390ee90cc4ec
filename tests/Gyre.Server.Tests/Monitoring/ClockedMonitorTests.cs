using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Json;
using Gyre.Core.Learning.Training;
using Gyre.Core.Monitoring.Monitors;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// A server of its own on a clock the test moves, for tests of the monitor: the clock is advanced
/// until the monitor (every 5 s of server time) has checked the windows, then once more so that the
/// policies, evaluated right after, see the newest.
/// </summary>
public abstract class ClockedMonitorTests : IAsyncLifetime
{
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", CultureInfo.InvariantCulture));

    protected TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await TestServer.StartAsync(time: Time);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The endpoint's drift windows, oldest first, once at least <paramref name="expected"/> were checked (or a minute passed).</summary>
    protected async Task<List<DriftWindow>> WindowsAsync(string endpoint, int expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            Time.Advance(TimeSpan.FromSeconds(5));
            var windows = (await Server.Client.Endpoints.ListDriftWindowsAsync(endpoint)).Items;
            if (windows.Count >= expected || timeout.IsCancellationRequested)
            {
                Time.Advance(TimeSpan.FromSeconds(5));
                await Task.Delay(200);
                return [.. windows.Reverse()];
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The world of the tests that train a classifier: y is true with probability sigmoid(2x), for every group alike.</summary>
    protected static bool Outcome(double x, Random random) => random.NextDouble() < 1 / (1 + Math.Exp(-2 * x));

    /// <summary>Adds <paramref name="csv"/> as a new dataset (under <paramref name="schema"/> when given) and trains a small binary LightGBM on it; returns the registered model's name.</summary>
    protected async Task<string> TrainBinaryAsync(string prefix, string csv, string? schema, Dictionary<string, double> hyperparameters)
    {
        var name = await Server.Client.AddCsvAsync(prefix, csv, schema);
        var response = await Server.Http.PostAsJsonAsync("/api/v1/trainings", new TrainingRequest(name, Task: "binary", Label: "y", Register: name + "-model", Seed: 1,
            Hyperparameters: hyperparameters), GyreJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return name + "-model";
    }

    /// <summary>A normal draw by Box–Muller, from the test's seeded random source.</summary>
    protected static double Normal(Random random, double sd = 1) => sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
