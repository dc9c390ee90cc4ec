using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;

namespace Gyre.Storage.Tests.Serving;

/// <summary>
/// The prediction log's journal through the log itself: durable rows answered before a crash are
/// replayed into the tables on the next start, a torn last frame and frames left from a file's
/// earlier round are left out, and a query always
/// sees every answered row, however recently it was logged.
/// </summary>
public sealed class PredictionJournalTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task AStartReplaysTheJournalsWholeFrames_AndLeavesOutATornOne()
    {
        var path = _home.Home.PredictionLogPath;
        using (PredictionLog.Open(path, TimeProvider.System))
        {
            // A fresh log with its tables and an empty journal.
        }
        using (var journal = PredictionJournal.Open(path))
        {
            journal.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_000, 0x7e), 1_700_000_000_000)])]);
            journal.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_001, 0x7f), 1_700_000_000_001), Record(Id(1_700_000_000_002, 0x80), 1_700_000_000_002)])]);
        }
        // The last frame torn: one byte of its payload never reached the disk.
        var bytes = await File.ReadAllBytesAsync(path + ".journal.0");
        bytes[^20] ^= 0x5a;
        await File.WriteAllBytesAsync(path + ".journal.0", bytes);

        using (var log = PredictionLog.Open(path, TimeProvider.System))
        {
            var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal([Id(1_700_000_000_000, 0x7e), Id(1_700_000_000_001, 0x7f)], items.Select(i => i.Prediction.PredictionId));
            var first = items[0].Prediction;
            Assert.Equal(("churn-v1", "churn", 1L, 2.5, "{\"tenure\":3,\"plan\":\"basic\"}", "{\"label\":\"left\",\"probability\":0.2}", "weighted"),
                (first.Variant, first.ModelName, first.ModelVersion, first.LatencyMs, first.Inputs, first.Outputs, first.Routing));
        }
        // Replayed, the journal starts over: each file's first header is zero.
        Assert.All(new[] { ".journal.0", ".journal.1" }, suffix => Assert.All(File.ReadAllBytes(path + suffix).Take(16), b => Assert.Equal(0, b)));

        // Replaying is idempotent: the same record again adds nothing.
        using (var journal = PredictionJournal.Open(path))
        {
            journal.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_000, 0x7e), 1_700_000_000_000)])]);
        }
        using (var log = PredictionLog.Open(path, TimeProvider.System))
        {
            var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal(2, items.Count);
        }
    }

    [Fact]
    public async Task AFileWrittenOverFromItsStart_ReplaysOnlyItsNewRound()
    {
        var path = _home.Home.PredictionLogPath;
        using (PredictionLog.Open(path, TimeProvider.System))
        {
            // A fresh log with its tables and an empty journal.
        }
        using (var journal = PredictionJournal.Open(path))
        {
            var committed = 0L;
            foreach (var n in new[] { 1, 2, 3 })
            {
                committed = journal.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_000, n), 1_700_000_000_000)])]);
            }
            // All three reached the tables: the file starts over, and a frame of the same size takes the first one's place,
            // so the old round's second frame follows it exactly, whole and with a valid checksum of its own.
            journal.Release(committed);
            journal.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_000, 0x04), 1_700_000_000_000)])]);
        }
        using var log = PredictionLog.Open(path, TimeProvider.System);
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal([Id(1_700_000_000_000, 0x04)], items.Select(i => i.Prediction.PredictionId));
    }

    [Fact]
    public async Task AReplayedRecord_KeepsEveryFieldExactly_TextOutsideAsciiIncluded()
    {
        var path = _home.Home.PredictionLogPath;
        var sent = new PredictionRecord(Id(1_700_000_000_123, 0x99), "churn", "churn-v2 canary", "churn", 12, 1_700_000_000_123, 0.1234567890123,
            "{\"city\":\"Zürich\",\"note\":\"naïve \u2014 \ud83d\ude80\",\"x\":[1e-7,2.5]}", "{\"label\":\"stayed\",\"probability\":0.8}", "sticky");
        using (PredictionLog.Open(path, TimeProvider.System))
        {
            // A fresh log with its tables and an empty journal.
        }
        using (var journal = PredictionJournal.Open(path))
        {
            journal.Append([EncodedRecords.Encode([sent])]);
        }
        using var log = PredictionLog.Open(path, TimeProvider.System);
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal(sent, Assert.Single(items).Prediction);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ALoggedRecord_ReachesTheTablesExactly_TextOutsideAsciiAndEmptyTextIncluded(bool durable)
    {
        // The table writer binds each field's UTF-8 as it was encoded on the request's thread.
        var sent = new PredictionRecord(Id(1_700_000_000_123, 0x98), "churn", "churn-v2 canary", "churn", 12, 1_700_000_000_123, 0.1234567890123,
            "{\"city\":\"Zürich\",\"note\":\"naïve \u2014 \ud83d\ude80\"}", "{\"label\":\"stayed\"}", "");
        using var log = PredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        await log.AppendAsync([sent, sent with { PredictionId = Id(1_700_000_000_124, 0x99), Time = 1_700_000_000_124 }], durable);
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Equal(2, items.Count);
        Assert.Equal(sent, items[0].Prediction);
        Assert.Equal(Id(1_700_000_000_124, 0x99), items[1].Prediction.PredictionId);
    }

    [Fact]
    public async Task AQuery_SeesEveryAnsweredRow_DurableOrFast_BeforeTheBatchIsDue()
    {
        using var log = PredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        var ids = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var record = Record(PredictionIds.New(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i)), 1_700_000_000_000 + i);
            ids.Add(record.PredictionId);
            await log.AppendAsync([record], durable: i % 2 == 0);
        }
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 1000, null, CancellationToken.None);
        Assert.Equal(ids, items.Select(i => i.Prediction.PredictionId));
        var feedback = await log.AddFeedbackAsync("churn", [new Feedback(ids[^1], "\"left\"")], FeedbackSource.Application, CancellationToken.None);
        Assert.Equal((1, 0, 0), (feedback.Accepted, feedback.Duplicates, feedback.Unknown.Count));
    }

    [Fact]
    public async Task AStartReplaysEveryLanesJournal()
    {
        var path = _home.Home.PredictionLogPath;
        using (PredictionLog.Open(path, TimeProvider.System))
        {
            // A fresh log with its tables and empty journals.
        }
        using (var first = PredictionJournal.Open(path, lane: 0))
        using (var second = PredictionJournal.Open(path, lane: 1))
        {
            first.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_000, 1), 1_700_000_000_000)])]);
            second.Append([EncodedRecords.Encode([Record(Id(1_700_000_000_001, 2), 1_700_000_000_001)])]);
        }
        using (var log = PredictionLog.Open(path, TimeProvider.System))
        {
            var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal([Id(1_700_000_000_000, 1), Id(1_700_000_000_001, 2)], items.Select(i => i.Prediction.PredictionId));
        }
        Assert.All(new[] { ".journal.0", ".journal.1", ".journal.2", ".journal.3" }, suffix => Assert.All(File.ReadAllBytes(path + suffix).Take(16), b => Assert.Equal(0, b)));
    }

    /// <summary>
    /// A batch the tables refuse for another reason than being away (here a trigger) is tried a few
    /// times and then set aside, so the log goes on with later batches; its durable rows, already
    /// answered, stay in the journal and come back at the next start.
    /// </summary>
    [Fact]
    public async Task ABatchTheTablesKeepRefusing_IsSetAside_AndTheJournalBringsItBackAtTheNextStart()
    {
        var path = _home.Home.PredictionLogPath;
        var refused = Record(Id(1_700_000_000_000, 1), 1_700_000_000_000);
        var later = Record(Id(1_700_000_000_005, 2), 1_700_000_000_005);
        using (var log = PredictionLog.Open(path, TimeProvider.System))
        {
            Execute(path, "CREATE TRIGGER refuse BEFORE INSERT ON prediction_blocks BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
            await log.AppendAsync([refused], durable: true); // answered from the journal
            var failure = await Assert.ThrowsAsync<Gyre.Core.Errors.GyreException>(() => log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None));
            Assert.Equal(Gyre.Core.Errors.ErrorCode.Unavailable, failure.Code);

            // After its last attempt the batch is set aside: queries answer again, without it, though the trigger is still there.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    Assert.Empty((await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None)).Items);
                    break;
                }
                catch (Gyre.Core.Errors.GyreException e) when (e.Code == Gyre.Core.Errors.ErrorCode.Unavailable && clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(100);
                }
            }
            Execute(path, "DROP TRIGGER refuse;");
            await log.AppendAsync([later], durable: true);
            var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal([later.PredictionId], items.Select(i => i.Prediction.PredictionId));
        }
        using (var reopened = PredictionLog.Open(path, TimeProvider.System))
        {
            var (items, _) = await reopened.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal([refused.PredictionId, later.PredictionId], items.Select(i => i.Prediction.PredictionId));
        }
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static PredictionRecord Record(string id, long time) =>
        new(id, "churn", "churn-v1", "churn", 1, time, 2.5, "{\"tenure\":3,\"plan\":\"basic\"}", "{\"label\":\"left\",\"probability\":0.2}", "weighted");

    /// <summary>A UUIDv7 of the time, as the log requires of a prediction's id, with <paramref name="n"/> for its random bits.</summary>
    private static string Id(long time, int n) => $"{time:x12}7{n:x3}8{n:x15}";
}
