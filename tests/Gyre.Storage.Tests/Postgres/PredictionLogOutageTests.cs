using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Tests.Contract;
using Gyre.Tests.Shared;

namespace Gyre.Storage.Tests.Postgres;

/// <summary>
/// The log's tables on PostgreSQL while the server is away: durable appends are still answered
/// (from the local journal), queries say 503 rather than hang, and once the server is
/// back the table writer catches up by itself, each prediction stored exactly once; a log that
/// closes during the outage leaves its records to the journal, and the next start replays them.
/// </summary>
public sealed class PredictionLogOutageTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task WhileTheDatabaseIsAway_DurableAppendsAreAnswered_AndTheTablesCatchUpWhenItReturns()
    {
        await using var cluster = await OwnPostgresCluster.StartAsync();
        using var home = new TempHome();
        using var storage = await GyreStorage.OpenAsync(home.Home, database: new DatabaseOptions(cluster.Url));
        var log = storage.PredictionLog;
        var before = Records(0, 100);
        await log.AppendAsync(before, durable: true);
        Assert.Equal(100, (await log.QueryAsync("churn", 0, long.MaxValue, 1_000, null, None)).Items.Count);

        await cluster.HaltAsync();
        var during = Records(100, 300);
        for (var i = 0; i < during.Count; i += 10)
        {
            await log.AppendAsync(during.Skip(i).Take(10).ToList(), durable: true); // answered from the journal
        }
        var refused = await Assert.ThrowsAsync<GyreException>(() => log.QueryAsync("churn", 0, long.MaxValue, 1_000, null, None));
        Assert.Equal(ErrorCode.Unavailable, refused.Code);

        await cluster.ResumeAsync();
        var ids = await WaitForIdsAsync(log, 400);
        Assert.Equal(before.Concat(during).Select(r => r.PredictionId).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task ALogClosedWhileTheDatabaseIsAway_LeavesItsRecordsToTheJournal_WhichTheNextStartReplays()
    {
        await using var cluster = await OwnPostgresCluster.StartAsync();
        using var home = new TempHome();
        var records = Records(0, 50);
        using (var storage = await GyreStorage.OpenAsync(home.Home, database: new DatabaseOptions(cluster.Url)))
        {
            _ = storage.PredictionLog; // opened while the database is there
            await cluster.HaltAsync();
            await storage.PredictionLog.AppendAsync(records, durable: true);
        }
        await cluster.ResumeAsync();
        using var reopened = await GyreStorage.OpenAsync(home.Home, database: new DatabaseOptions(cluster.Url));
        var ids = await WaitForIdsAsync(reopened.PredictionLog, 50);
        Assert.Equal(records.Select(r => r.PredictionId).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    private static List<PredictionRecord> Records(int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => PredictionLogContract.Record(PredictionLogContract.Start + i * 100, "churn-v1"))];

    /// <summary>The logged ids, once the log has at least <paramref name="count"/> (the writer retries with pauses of up to two seconds).</summary>
    private static async Task<List<string>> WaitForIdsAsync(IPredictionLog log, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10_000, null, None);
                if (items.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    return [.. items.Select(i => i.Prediction.PredictionId)];
                }
            }
            catch (GyreException e) when (e.Code == ErrorCode.Unavailable && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                // still catching up
            }
            await Task.Delay(100);
        }
    }
}
