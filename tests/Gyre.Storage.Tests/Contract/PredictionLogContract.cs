using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Tests.Contract;

/// <summary>
/// The prediction log's tables through the log itself, on either backend: predictions spread over
/// many blocks, some of them out of time order, are paged through in order exactly once, found by
/// id for feedback, and counted by window.
/// </summary>
public abstract class PredictionLogContract
{
    internal const long Start = 1_700_000_000_000;

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task Pages_WalkEveryPredictionOnceInTimeOrder_AcrossBlocksWrittenOutOfOrder()
    {
        await using var store = await OpenAsync();
        var log = store.Storage.PredictionLog;
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

    [SkippableFact]
    public async Task Feedback_FindsPredictionsInAnyBlock_AndReportsIdsTheEndpointNeverLogged()
    {
        await using var store = await OpenAsync();
        var log = store.Storage.PredictionLog;
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
        var result = await log.AddFeedbackAsync("churn", feedback, FeedbackSource.Application, CancellationToken.None);

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
        var again = await log.AddFeedbackAsync("churn", feedback, FeedbackSource.Application, CancellationToken.None);
        Assert.Equal((0, answered.Count + 2), (again.Accepted, again.Duplicates));
    }

    [SkippableFact]
    public async Task CountByWindow_CountsEveryBlocksRecordsPerVariant_ShadowCopiesLeftOut()
    {
        await using var store = await OpenAsync();
        var log = store.Storage.PredictionLog;
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

    [SkippableFact]
    public async Task AnId_ThatIsNotAUuidV7OfThePredictionsTime_IsRefused()
    {
        await using var store = await OpenAsync();
        var log = store.Storage.PredictionLog;
        var record = Record(Start, "churn-v1");
        var error = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await log.AppendAsync([record with { Time = Start + 1 }], durable: true));
        Assert.Contains(record.PredictionId, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await log.AppendAsync([record with { PredictionId = "p-1" }], durable: false));
        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 10, null, CancellationToken.None);
        Assert.Empty(items);
    }

    /// <summary>Appends each record on its own (fast), as requests do.</summary>
    private static async Task AppendEachAsync(IPredictionLog log, IEnumerable<PredictionRecord> records)
    {
        foreach (var record in records)
        {
            await log.AppendAsync([record], durable: false);
        }
    }

    internal static PredictionRecord Record(long time, string variant) =>
        new(PredictionIds.New(DateTimeOffset.FromUnixTimeMilliseconds(time)), "churn", variant, "churn", variant[^1] - '0', time, 1.5,
            $"{{\"tenure\":{time % 97}}}", $"{{\"label\":\"{(time % 2 == 0 ? "left" : "stayed")}\"}}", "weighted");
}
