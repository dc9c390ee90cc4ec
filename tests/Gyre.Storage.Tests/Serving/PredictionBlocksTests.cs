using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Tests.Serving;

/// <summary>
/// The log's table of blocks through the log itself: predictions spread over many blocks, some
/// of them out of time order, are paged through in order exactly once, found by id for feedback,
/// and counted by window; a log written before blocks is moved into them on its first open.
/// </summary>
public sealed class PredictionBlocksTests : IDisposable
{
    private const long Start = 1_700_000_000_000;

    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task Pages_WalkEveryPredictionOnceInTimeOrder_AcrossBlocksWrittenOutOfOrder()
    {
        using var log = SqlitePredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        // One batch of 600 records over 3 minutes (several blocks, by count and by span), then a
        // later batch whose 90 records fall between the first one's.
        var first = Enumerable.Range(0, 600).Select(i => Record(Start + i * 300, "churn-v1")).ToList();
        await AppendEachAsync(log, first);
        await log.QueryAsync("churn", 0, 1, 1, null, CancellationToken.None); // commits the first batch
        var between = Enumerable.Range(0, 90).Select(i => Record(Start + 150 + i * 1_000, "churn-v2")).ToList();
        await AppendEachAsync(log, between);

        var seen = new List<PredictionRecord>();
        string? token = null;
        do
        {
            var (items, next) = await log.QueryAsync("churn", Start + 20_000, Start + 150_000, 7, token, CancellationToken.None);
            Assert.True(items.Count == 7 || next is null);
            seen.AddRange(items.Select(i => i.Prediction));
            token = next;
        }
        while (token is not null);

        var expected = first.Concat(between).Where(r => r.Time >= Start + 20_000 && r.Time < Start + 150_000)
            .OrderBy(r => r.Time).ThenBy(r => r.PredictionId, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, seen.Count);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task Feedback_FindsPredictionsInAnyBlock_AndReportsIdsTheEndpointNeverLogged()
    {
        using var log = SqlitePredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        var records = Enumerable.Range(0, 1_000).Select(i => Record(Start + i * 500, i % 4 == 0 ? "churn-v2" : "churn-v1")).ToList();
        await AppendEachAsync(log, records);
        var other = Record(Start + 1_000, "churn-v1") with { Endpoint = "fraud" };
        await log.AppendAsync([other], durable: false);
        var shadow = Record(Start + 2_000, "churn-v3") with { Routing = "shadow" };
        await log.AppendAsync([shadow], durable: true);

        var answered = records.Where((_, i) => i % 37 == 0).ToList();
        var neverLogged = PredictionIds.New(DateTimeOffset.FromUnixTimeMilliseconds(Start + 1_000));
        var feedback = answered.Select(r => new Feedback(r.PredictionId, "\"left\""))
            .Append(new Feedback(shadow.PredictionId, "\"left\""))
            .Append(new Feedback(neverLogged, "\"left\""))
            .Append(new Feedback(other.PredictionId, "\"left\""))
            .Append(new Feedback("not-an-id", "\"left\""))
            .Append(new Feedback(answered[0].PredictionId, "\"stayed\""))
            .ToList();
        var result = await log.AddFeedbackAsync("churn", feedback, CancellationToken.None);

        Assert.Equal((answered.Count + 1, 1), (result.Accepted, result.Duplicates));
        Assert.Equal([neverLogged, other.PredictionId, "not-an-id"], result.Unknown);
        // Online metrics read the answers (shadow copies left out), with the first report kept.
        var labelled = await log.LabelledAsync("churn", 0, CancellationToken.None);
        Assert.Equal(answered.Select(r => (r.Variant, r.Outputs, "\"left\"", r.Time)).OrderBy(l => l.Time),
            labelled.Select(l => (l.Variant, l.Outputs, l.Actual, l.Time)).OrderBy(l => l.Time));
        Assert.Equal(answered.Count, await log.CountFeedbackAsync("churn", 0, CancellationToken.None));
        var (page, _) = await log.QueryAsync("churn", answered[1].Time, answered[1].Time + 1, 10, null, CancellationToken.None);
        Assert.Equal("\"left\"", Assert.Single(page).Actual);

        // Repeated, the whole batch changes nothing.
        var again = await log.AddFeedbackAsync("churn", feedback, CancellationToken.None);
        Assert.Equal((0, answered.Count + 2), (again.Accepted, again.Duplicates));
    }

    [Fact]
    public async Task CountByWindow_CountsEveryBlocksRecordsPerVariant_ShadowCopiesLeftOut()
    {
        using var log = SqlitePredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        var records = Enumerable.Range(0, 900).Select(i => Record(Start + i * 200, i % 3 == 0 ? "churn-v2" : "churn-v1")).ToList();
        await AppendEachAsync(log, records);
        await log.AppendAsync([Record(Start + 10, "churn-v3") with { Routing = "shadow" }], durable: false);

        var counts = await log.CountByWindowAsync("churn", Start + 30_000, 60_000, CancellationToken.None);

        var expected = records.Where(r => r.Time >= Start + 30_000)
            .GroupBy(r => ((r.Time - Start - 30_000) / 60_000, r.Variant))
            .Select(g => (g.Key.Item1, g.Key.Variant, (long)g.Count()))
            .OrderBy(c => c.Item1).ThenBy(c => c.Variant, StringComparer.Ordinal);
        Assert.Equal(expected, counts);
    }

    [Fact]
    public async Task AnId_ThatIsNotAUuidV7OfThePredictionsTime_IsRefused()
    {
        using var log = SqlitePredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        var record = Record(Start, "churn-v1");
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await log.AppendAsync([record with { Time = Start + 1 }], durable: true));
        Assert.Contains(record.PredictionId, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await log.AppendAsync([record with { PredictionId = "p-1" }], durable: false));
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Empty(items);
    }

    [Fact]
    public async Task ALogWrittenBeforeBlocks_IsMovedIntoThem_WithItsFeedback()
    {
        var path = _home.Home.PredictionLogPath;
        var records = Enumerable.Range(0, 300).Select(i => Record(Start + i * 1_000, "churn-v1")).ToList();
        records[7] = records[7] with { Routing = "shadow" };
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // The tables as Gyre wrote them before blocks.
            command.CommandText = """
                CREATE TABLE predictions (row INTEGER PRIMARY KEY, prediction_id TEXT NOT NULL UNIQUE, endpoint TEXT NOT NULL, variant TEXT NOT NULL,
                    model_name TEXT NOT NULL, model_version INTEGER NOT NULL, time INTEGER NOT NULL, latency_ms REAL NOT NULL, inputs TEXT NOT NULL,
                    outputs TEXT NOT NULL, routing TEXT NOT NULL);
                CREATE INDEX predictions_by_endpoint ON predictions (endpoint, time);
                CREATE TABLE feedback (prediction_id TEXT PRIMARY KEY, actual TEXT NOT NULL, time INTEGER NOT NULL) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
            foreach (var r in records)
            {
                command.CommandText = "INSERT INTO predictions (prediction_id, endpoint, variant, model_name, model_version, time, latency_ms, inputs, outputs, routing) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
                command.Parameters.Clear();
                object[] values = [r.PredictionId, r.Endpoint, r.Variant, r.ModelName, r.ModelVersion, r.Time, r.LatencyMs, r.Inputs, r.Outputs, r.Routing];
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters.AddWithValue($"${i + 1}", values[i]);
                }
                command.ExecuteNonQuery();
            }
            command.CommandText = "INSERT INTO feedback VALUES ($1, '\"left\"', $2), ($3, '\"stayed\"', $2)";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$1", records[5].PredictionId);
            command.Parameters.AddWithValue("$2", Start + 999_999);
            command.Parameters.AddWithValue("$3", records[7].PredictionId);
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        using var log = SqlitePredictionLog.Open(path, TimeProvider.System);

        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 1_000, null, CancellationToken.None);
        Assert.Equal(records, items.Select(i => i.Prediction));
        Assert.Equal(("\"left\"", (long?)(Start + 999_999)), (items[5].Actual, items[5].FeedbackTime));
        var labelled = Assert.Single(await log.LabelledAsync("churn", 0, CancellationToken.None));
        Assert.Equal((records[5].Variant, records[5].Time), (labelled.Variant, labelled.Time));
        var repeat = await log.AddFeedbackAsync("churn", [new Feedback(records[5].PredictionId, "\"x\""), new Feedback(records[6].PredictionId, "\"x\"")], CancellationToken.None);
        Assert.Equal((1, 1), (repeat.Accepted, repeat.Duplicates));
        using var check = new SqliteConnection($"Data Source={path}");
        check.Open();
        using var tables = check.CreateCommand();
        tables.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("feedback,prediction_blocks", tables.ExecuteScalar());
    }

    /// <summary>Appends each record on its own (fast), as requests do.</summary>
    private static async Task AppendEachAsync(SqlitePredictionLog log, IEnumerable<PredictionRecord> records)
    {
        foreach (var record in records)
        {
            await log.AppendAsync([record], durable: false);
        }
    }

    private static PredictionRecord Record(long time, string variant) =>
        new(PredictionIds.New(DateTimeOffset.FromUnixTimeMilliseconds(time)), "churn", variant, "churn", variant[^1] - '0', time, 1.5,
            $"{{\"tenure\":{time % 97}}}", $"{{\"label\":\"{(time % 2 == 0 ? "left" : "stayed")}\"}}", "weighted");
}
