using System.Diagnostics;
using Gyre.Core.Coordination;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Rollouts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gyre.Bench;

/// <summary>
/// <c>replicas</c>: three servers in this process on the PostgreSQL server named by
/// <c>$GYRE_BENCH_POSTGRES</c> and one artifact folder: one with every role, two gateways. It measures
/// how long a routing change made through the first takes to reach both gateways' routing tables
/// (an A/B test started, then aborted, 100 times: weights only, the models stay loaded), read from
/// the tables themselves without a request; then what the idle cluster costs the database, as
/// transactions a second per replica from <c>pg_stat_database</c>.
/// </summary>
internal static class ReplicaBenchmark
{
    private const int Cycles = 100;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-replicas-").FullName;
        try
        {
            var (train, _) = await ServeBenchmark.WriteInputsAsync(folder);
            await using var schema = await PostgresBenchmarks.Schema.CreateAsync();
            var artifacts = new Uri(Path.Combine(folder, "artifacts")).AbsoluteUri;
            await using var first = await BenchServer.StartAsync(schema.Url, artifacts);
            await using var second = await BenchServer.StartAsync(schema.Url, artifacts, ReplicaRoles.Gateway);
            await using var third = await BenchServer.StartAsync(schema.Url, artifacts, ReplicaRoles.Gateway);
            using var client = await ServeBenchmark.CreateEndpointsAsync(first, train);
            await client.Endpoints.CreateAsync("prop", "serve/1", logMode: "fast");
            var gateways = new[] { second, third }.Select(g => g.Services.GetRequiredService<EndpointRouter>()).ToList();
            await UntilAsync(gateways, 1, TimeSpan.FromMinutes(1));

            var delays = new List<double>();
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var rollout = await client.Endpoints.StartRolloutAsync("prop", new RolloutRequest("serve/2", RolloutStrategies.AB, CandidateWeight: 50));
                delays.Add(await UntilAsync(gateways, 2, TimeSpan.FromSeconds(10)));
                await client.Endpoints.AbortRolloutAsync("prop", rollout.Id);
                delays.Add(await UntilAsync(gateways, 1, TimeSpan.FromSeconds(10)));
            }
            delays.Sort();
            double Quantile(double q) => delays[Math.Min(delays.Count - 1, (int)Math.Ceiling(q * delays.Count) - 1)];
            Console.WriteLine($"replicas: a routing change through one replica, until both gateways' tables have it, {delays.Count} changes: "
                + $"p50 {Quantile(0.5):0.0} ms, p99 {Quantile(0.99):0.0} ms, max {delays[^1]:0.0} ms (goal p99 <= 1000 ms, target 100 ms)");

            await Task.Delay(TimeSpan.FromSeconds(5));
            var before = await TransactionsAsync(schema.ConnectionString);
            await Task.Delay(Idle);
            var after = await TransactionsAsync(schema.ConnectionString);
            // The two readings are transactions too; pg_stat_database counts every session of the database.
            var perReplica = (after - before - 1) / Idle.TotalSeconds / 3;
            Console.WriteLine($"replicas: idle, {perReplica:0.00} transactions a second per replica over {Idle.TotalSeconds:0} s (goal <= 5)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Spins until every router serves "prop" with <paramref name="variants"/> variants; returns the milliseconds it took.</summary>
    private static async Task<double> UntilAsync(IReadOnlyList<EndpointRouter> routers, int variants, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (!routers.All(r => r.TryGet("prop", out var served) && served.Endpoint.Variants.Count == variants))
        {
            if (watch.Elapsed > within)
            {
                throw new TimeoutException($"the gateways did not see the change within {within}");
            }
            await Task.Delay(1);
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<long> TransactionsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // Statistics are flushed to the shared counters at most once a second; a forced flush of this session's own is not needed.
        await using var command = new NpgsqlCommand("SELECT pg_stat_clear_snapshot(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }
}
