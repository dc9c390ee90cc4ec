using System.Diagnostics;
using Gyre.Storage;
using Npgsql;

namespace Gyre.Bench;

/// <summary>
/// <c>queue</c>: how fast workers drain the queue of pipeline runs on the PostgreSQL server named by
/// <c>$GYRE_BENCH_POSTGRES</c>. 20,000 runs are queued by one INSERT, then 1, 4 and 16 claimers (tasks in
/// this process, each with its own connection from the pool) claim until it is empty; each claim is
/// one transaction that removes a row (<c>FOR UPDATE SKIP LOCKED</c>) and takes the run's lease.
/// </summary>
internal static class RunQueueBenchmark
{
    private const int Jobs = 20_000;

    public static async Task RunAsync()
    {
        await using var schema = await PostgresBenchmarks.Schema.CreateAsync();
        var home = Directory.CreateTempSubdirectory("gyre-bench-queue-").FullName;
        try
        {
            using var storage = await GyreStorage.OpenAsync(GyreHome.Resolve(home), database: new DatabaseOptions(schema.Url, Pool: 32));
            // 2,000 queued as well as 20,000: a claim steps over the dead rows of the claims before it (until vacuum).
            foreach (var (claimers, queued) in new[] { (1, 2_000), (4, 2_000), (1, Jobs), (4, Jobs), (16, Jobs) })
            {
                await schema.ExecuteAsync("DELETE FROM leases");
                await schema.ExecuteAsync("VACUUM pipeline_jobs");
                await schema.ExecuteAsync("VACUUM leases");
                await schema.ExecuteAsync($"INSERT INTO pipeline_jobs (run_id, ready_at) SELECT g, 0 FROM generate_series(1, {queued}) g");
                var claimed = 0;
                var watch = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, claimers).Select(c => Task.Run(async () =>
                {
                    while (await storage.RunJobs.ClaimAsync($"bench:{c}:0", TimeSpan.FromMinutes(10), CancellationToken.None) is not null)
                    {
                        Interlocked.Increment(ref claimed);
                    }
                })));
                watch.Stop();
                Console.WriteLine($"queue: {claimers,2} claimer(s) drained {claimed:N0} runs in {watch.Elapsed.TotalSeconds:0.00} s: {claimed / watch.Elapsed.TotalSeconds:N0} claims/s (goal >= 5,000)");
            }

            // The baseline: as many transactions of one trivial write each (an insert of one row), from
            // as many connections: what this server commits a second, whatever the statement.
            await schema.ExecuteAsync("CREATE TABLE commits (id bigint)");
            foreach (var writers in new[] { 1, 4, 16 })
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
                Console.WriteLine($"queue baseline: {writers,2} writer(s), {Jobs:N0} one-row transactions in {watch.Elapsed.TotalSeconds:0.00} s: {Jobs / watch.Elapsed.TotalSeconds:N0} commits/s");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }
}
