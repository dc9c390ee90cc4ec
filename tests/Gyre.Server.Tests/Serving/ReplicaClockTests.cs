using System.Diagnostics;
using Gyre.Core.Coordination;
using Gyre.Server.Hosting;
using Gyre.Storage;
using Gyre.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Tests.Serving;

/// <summary>Leases are timed by the database's clock: a replica whose own clock runs an hour ahead takes none while another holds them.</summary>
public sealed class ReplicaClockTests
{
    private static readonly string[] Singletons = ["rollouts", "monitor", "triggers"];

    [SkippableFact]
    public async Task AReplicaWhoseClockIsAnHourAhead_TakesNoLeaseWhileAnotherHoldsIt_AndTakesThemWhenItStops()
    {
        await using var database = await TestPostgres.CreateAsync();
        // A lease long enough that a loaded machine's late heartbeat does not let it run out (which
        // would hand it over rightly, whatever the clocks); a clean stop lets it go at once anyway.
        var settings = (ServerOptions o) => o with { Database = new DatabaseOptions(database.Url), Migrate = true, Replica = new ReplicaOptions { LeaseTtl = TimeSpan.FromSeconds(10) } };
        var punctual = await TestServer.StartAsync(settings);
        await using var ahead = await TestServer.StartAsync(settings, time: new SkewedTime(TimeSpan.FromHours(1)));
        try
        {
            var holder = punctual.Services.GetRequiredService<ReplicaOptions>().Holder;
            // Both tick in real time; the punctual replica came first and took every singleton's lease.
            await WaitUntilAsync(async () => (await HoldersAsync(database)).Count == Singletons.Length);
            for (var i = 0; i < 8; i++)
            {
                Assert.All(await HoldersAsync(database), h => Assert.Equal(holder, h));
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        finally
        {
            await punctual.DisposeAsync(); // a clean stop lets the leases go
        }
        var aheadHolder = ahead.Services.GetRequiredService<ReplicaOptions>().Holder;
        await WaitUntilAsync(async () => (await HoldersAsync(database)) is { Count: 3 } held && held.All(h => h == aheadHolder));
    }

    /// <summary>The holders of the singletons' leases that have not run out, by the database's clock.</summary>
    private static async Task<List<string>> HoldersAsync(TestPostgres database)
    {
        var holders = new List<string>();
        foreach (var name in Singletons)
        {
            if (await database.ScalarAsync($"SELECT holder FROM {database.Schema}.leases WHERE name = '{name}' AND expires_at > floor(extract(epoch FROM clock_timestamp()) * 1000)") is string holder)
            {
                holders.Add(holder);
            }
        }
        return holders;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "not so within 20 s");
            await Task.Delay(50);
        }
    }

    /// <summary>The system's clock, off by <paramref name="skew"/>; timers run in real time.</summary>
    private sealed class SkewedTime(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
    }
}
