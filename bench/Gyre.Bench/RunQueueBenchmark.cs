using System.Diagnostics;
using Gyre.Storage;
using Npgsql;

namespace Gyre.Bench;

/// <summary>
/// <c>queue</c>: how fast workers drain the queue of pipeline runs on the PostgreSQL server named by
/// <c>$GYRE_BENCH_POSTGRES</c>. 20,000 runs are queued by one INSERT, then 1, 4 and 16 claimers (tasks in
/// this process) claim until it is empty; each claim is one transaction that removes a row
/// (<c>FOR UPDATE SKIP LOCKED</c>) and takes the run's lease. Side by side, in alternating rounds:
/// the same claim's SQL through raw Npgsql on a connection each claimer holds (unprepared, and
/// prepared), which is what the statement costs without Gyre's write path around it; and the
/// baseline, transactions that each insert one row into an empty table, which is what this server
/// commits a second whatever the statement.
/// </summary>
internal static class RunQueueBenchmark
{
    private const int Jobs = 20_000;

    private const string Now = "CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)";

    /// <summary>The claim as Gyre's PostgreSQL store makes it (leases of 10 minutes).</summary>
    private const string RawClaim = $"""
        WITH job AS (
            DELETE FROM pipeline_jobs WHERE run_id = (
                SELECT run_id FROM pipeline_jobs WHERE ready_at <= {Now}
                ORDER BY run_id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING run_id),
        lease AS (
            INSERT INTO leases (name, holder, epoch, expires_at)
            SELECT 'pipeline-run:' || run_id, @h, 1, {Now} + 600000 FROM job
            ON CONFLICT (name) DO UPDATE SET epoch = leases.epoch + 1, holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= {Now}
            RETURNING epoch)
        SELECT job.run_id, lease.epoch FROM job LEFT JOIN lease ON true
        """;

    public static async Task RunAsync()
    {
        await using var schema = await PostgresBenchmarks.Schema.CreateAsync();
        var home = Directory.CreateTempSubdirectory("gyre-bench-queue-").FullName;
        try
        {
            using var storage = await GyreStorage.OpenAsync(GyreHome.Resolve(home), database: new DatabaseOptions(schema.Url, Pool: 32));
            await using var raw = NpgsqlDataSource.Create(schema.ConnectionString);
            await schema.ExecuteAsync("CREATE TABLE commits (id bigint)");
            for (var round = 1; round <= 2; round++)
            {
                foreach (var claimers in new[] { 1, 4, 16 })
                {
                    var gyre = await DrainAsync(schema, claimers, async c =>
                        await storage.RunJobs.ClaimAsync($"bench:{c}:0", TimeSpan.FromMinutes(10), CancellationToken.None) is not null);
                    var unprepared = await DrainAsync(schema, claimers, RawClaimer(raw, prepare: false));
                    var prepared = await DrainAsync(schema, claimers, RawClaimer(raw, prepare: true));
                    var commits = await CommitsAsync(schema, claimers);
                    Console.WriteLine($"queue: round {round}, {claimers,2} claimer(s): Gyre {gyre:N0} claims/s (goal >= 5,000); "
                        + $"raw claim unprepared {unprepared:N0}, prepared {prepared:N0}; one-row commits {commits:N0}/s; Gyre / commits {gyre / commits:0.00}x");
                }
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Queues <see cref="Jobs"/> runs on a vacuumed table and times <paramref name="claimers"/> claiming until none is left.</summary>
    private static async Task<double> DrainAsync(PostgresBenchmarks.Schema schema, int claimers, Func<int, Task<bool>> claim)
    {
        await schema.ExecuteAsync("DELETE FROM leases");
        await schema.ExecuteAsync("VACUUM pipeline_jobs");
        await schema.ExecuteAsync("VACUUM leases");
        await schema.ExecuteAsync($"INSERT INTO pipeline_jobs (run_id, ready_at) SELECT g, 0 FROM generate_series(1, {Jobs}) g");
        var claimed = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, claimers).Select(c => Task.Run(async () =>
        {
            while (await claim(c))
            {
                Interlocked.Increment(ref claimed);
            }
        })));
        watch.Stop();
        if (claimed != Jobs)
        {
            throw new InvalidOperationException($"{claimers} claimers claimed {claimed} of {Jobs} runs");
        }
        return claimed / watch.Elapsed.TotalSeconds;
    }

    /// <summary>A claimer of the raw SQL: a connection it holds, one READ COMMITTED transaction a claim.</summary>
    private static Func<int, Task<bool>> RawClaimer(NpgsqlDataSource source, bool prepare)
    {
        var connections = new NpgsqlConnection?[16];
        return async c =>
        {
            var connection = connections[c] ??= await source.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
            await using var claim = new NpgsqlCommand(RawClaim, connection, transaction);
            claim.Parameters.Add(new NpgsqlParameter<string>("h", $"bench:{c}:0"));
            if (prepare)
            {
                await claim.PrepareAsync();
            }
            var claimed = await claim.ExecuteScalarAsync() is not null;
            await transaction.CommitAsync();
            if (!claimed)
            {
                await connection.DisposeAsync();
                connections[c] = null;
            }
            return claimed;
        };
    }

    /// <summary>The baseline: <see cref="Jobs"/> transactions of one trivial insert each, from <paramref name="writers"/> held connections.</summary>
    private static async Task<double> CommitsAsync(PostgresBenchmarks.Schema schema, int writers)
    {
        var written = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(schema.ConnectionString);
            await connection.OpenAsync();
            while (Interlocked.Increment(ref written) <= Jobs)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using var insert = new NpgsqlCommand("INSERT INTO commits VALUES (1)", connection, transaction);
                await insert.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }
        })));
        watch.Stop();
        return Jobs / watch.Elapsed.TotalSeconds;
    }
}
