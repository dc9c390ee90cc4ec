using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;

namespace Gyre.Storage.Tests.Serving;

/// <summary>
/// The prediction log's journal through the log itself: durable rows answered before a crash are
/// replayed into the tables on the next start, a torn last line is left out, and a query always
/// sees every answered row, however recently it was logged.
/// </summary>
public sealed class PredictionJournalTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task AStartReplaysTheJournalsWholeLines_AndLeavesOutATornOne()
    {
        var path = _home.Home.PredictionLogPath;
        using (SqlitePredictionLog.Open(path, TimeProvider.System))
        {
            // A fresh log with its tables and an empty journal.
        }
        await File.WriteAllTextAsync(path + ".journal.1",
            Line("0194a1b2c3d4e5f60718293a4b5c6d7e", 1_700_000_000_000) + "\n"
            + Line("0194a1b2c3d4e5f60718293a4b5c6d7f", 1_700_000_000_001) + "\n"
            + Line("0194a1b2c3d4e5f60718293a4b5c6d80", 1_700_000_000_002)[..40]);

        using (var log = SqlitePredictionLog.Open(path, TimeProvider.System))
        {
            var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal(["0194a1b2c3d4e5f60718293a4b5c6d7e", "0194a1b2c3d4e5f60718293a4b5c6d7f"], items.Select(i => i.Prediction.PredictionId));
            var first = items[0].Prediction;
            Assert.Equal(("churn-v1", "churn", 1L, 2.5, "{\"tenure\":3,\"plan\":\"basic\"}", "{\"label\":\"left\",\"probability\":0.2}", "weighted"),
                (first.Variant, first.ModelName, first.ModelVersion, first.LatencyMs, first.Inputs, first.Outputs, first.Routing));
        }
        Assert.Equal((0, 0), (new FileInfo(path + ".journal.0").Length, new FileInfo(path + ".journal.1").Length));

        // Replaying is idempotent: the same lines again add nothing.
        await File.WriteAllTextAsync(path + ".journal.1", Line("0194a1b2c3d4e5f60718293a4b5c6d7e", 1_700_000_000_000) + "\n");
        using (var log = SqlitePredictionLog.Open(path, TimeProvider.System))
        {
            var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
            Assert.Equal(2, items.Count);
        }
    }

    [Fact]
    public async Task AQuery_SeesEveryAnsweredRow_DurableOrFast_BeforeTheBatchIsDue()
    {
        using var log = SqlitePredictionLog.Open(_home.Home.PredictionLogPath, TimeProvider.System);
        var ids = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var record = Record(Guid.CreateVersion7().ToString("N"), 1_700_000_000_000 + i);
            ids.Add(record.PredictionId);
            await log.AppendAsync([record], durable: i % 2 == 0, CancellationToken.None);
        }
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 1000, null, CancellationToken.None);
        Assert.Equal(ids, items.Select(i => i.Prediction.PredictionId));
        var feedback = await log.AddFeedbackAsync("churn", [new Feedback(ids[^1], "\"left\"")], CancellationToken.None);
        Assert.Equal((1, 0, 0), (feedback.Accepted, feedback.Duplicates, feedback.Unknown.Count));
    }

    private static PredictionRecord Record(string id, long time) =>
        new(id, "churn", "churn-v1", "churn", 1, time, 2.5, "{\"tenure\":3,\"plan\":\"basic\"}", "{\"label\":\"left\",\"probability\":0.2}", "weighted");

    private static string Line(string id, long time) =>
        $$"""{"id":"{{id}}","endpoint":"churn","variant":"churn-v1","model":"churn","version":1,"time":{{time}},"latency_ms":2.5,"inputs":{"tenure":3,"plan":"basic"},"outputs":{"label":"left","probability":0.2},"routing":"weighted"}""";
}
