using System.Globalization;
using System.Text.RegularExpressions;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Serving.Traffic;
using Gyre.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Hosting;

/// <summary>
/// Each background worker, given a store that fails under it, logs the failure and counts it in
/// <c>gyre_background_errors_total{worker}</c>, and goes on ticking: nothing is swallowed.
/// </summary>
public sealed class BackgroundErrorTests
{
    [Theory]
    [InlineData("monitor")]
    [InlineData("policies")]
    [InlineData("rollouts")]
    [InlineData("triggers")]
    [InlineData("traffic")]
    public async Task AStoreFailingUnderAWorker_IsLoggedAndCounted_AndTheWorkerGoesOn(string worker)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z", CultureInfo.InvariantCulture));
        var log = new LogCapture();
        Action arm = () => { };
        await using var server = await TestServer.StartAsync(time: time, services: services =>
        {
            services.AddSingleton<ILoggerProvider>(log);
            arm = worker switch
            {
                "monitor" => Plant<IMonitorStore>(services, s => s.Monitors, nameof(IMonitorStore.ListMonitorsAsync)),
                "policies" => Plant<IPolicyStore>(services, s => s.Policies, nameof(IPolicyStore.ListPoliciesAsync)),
                "rollouts" => Plant<IRolloutStore>(services, s => s.Rollouts, nameof(IRolloutStore.ListLatestAsync)),
                "triggers" => Plant<IPipelineStore>(services, s => s.Pipelines, nameof(IPipelineStore.ListPipelinesAsync)),
                _ => Plant<ITrafficStore>(services, s => s.Traffic, nameof(ITrafficStore.SaveAsync)),
            };
        });
        arm(); // after the start, which reads the same stores

        var counted = await CountAsync(server, time, worker, atLeast: 2);

        Assert.True(counted >= 2, $"gyre_background_errors_total{{worker=\"{worker}\"}} is {counted}");
        var line = Assert.Single(log.Lines.Where(l => l.EventId == 4).Select(l => l.Message).Distinct());
        Assert.Equal($"a tick of the {worker} worker failed; the next tick tries again | the test's store failed", Regex.Replace(line, "test's I[A-Za-z]+ failed [A-Za-z]+", "test's store failed"));
        Assert.All(log.Lines.Where(l => l.EventId == 4), l => Assert.Equal(LogLevel.Error, l.Level));
    }

    /// <summary>Replaces the store with one that fails <paramref name="method"/> once armed; returns the arming.</summary>
    private static Action Plant<T>(IServiceCollection services, Func<GyreStorage, T> real, string method) where T : class
    {
        FailingStore<T>? control = null;
        services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var (store, made) = FailingStore<T>.Wrap(real(sp.GetRequiredService<GyreStorage>()), method);
            control = made;
            return store;
        }));
        return () => control!.Armed = true;
    }

    /// <summary>Moves the server's clock on (each worker ticks within 10 s) until the worker's count reaches <paramref name="atLeast"/>.</summary>
    private static async Task<long> CountAsync(TestServer server, FakeTimeProvider time, string worker, int atLeast)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
            var metrics = await server.Http.GetStringAsync("/metrics");
            var match = Regex.Match(metrics, $"^gyre_background_errors_total\\{{worker=\"{worker}\"\\}} (\\d+)", RegexOptions.Multiline);
            var count = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            if (count >= atLeast || timeout.IsCancellationRequested)
            {
                return count;
            }
        }
    }
}
