using Gyre.Core.Tracking;

namespace Gyre.Storage.Tests.Contract;

/// <summary>
/// Where SQLite and PostgreSQL differ by nature, the answer Gyre guarantees on both: numbers at the
/// edges of a double, code-point order of text, LIKE case-sensitive and ILIKE folding ASCII letters
/// only, NULLs last, Unicode kept byte for byte, times to the millisecond, ties broken by the id.
/// </summary>
public abstract class BackendDifferencesContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Metrics_AtTheEdgesOfADouble_RoundTrip_AndSortWithNaNLast()
    {
        await using var s = await OpenAsync();
        var experiment = await s.Tracking.CreateExperimentAsync("edges", [], None);
        var values = new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -1e308, double.Epsilon, 0.0, -2.5 };
        foreach (var (value, i) in values.Select((v, i) => (v, i)))
        {
            var run = await s.Tracking.CreateRunAsync(new NewRun(experiment.ExperimentId, $"v{i}"), None);
            await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("m", value, 0, 1_767_225_600_123 + i)]), None);
            var stored = Assert.Single((await s.Tracking.GetRunAsync(run.RunId, None)).Metrics);
            Assert.Equal(value, stored.Value);
            Assert.Equal(1_767_225_600_123 + i, stored.Timestamp);
            Assert.Equal(value, Assert.Single(await s.Tracking.GetMetricHistoryAsync(run.RunId, "m", None)).Value);
        }
        var ascending = await NamesAsync(s, experiment.ExperimentId, null, "metrics.m ASC");
        Assert.Equal(["v2", "v4", "v7", "v6", "v5", "v3", "v1", "v0"], ascending);
        var descending = await NamesAsync(s, experiment.ExperimentId, null, "metrics.m DESC");
        Assert.Equal(["v1", "v3", "v5", "v6", "v7", "v4", "v2", "v0"], descending);
        Assert.Equal(["v1", "v3"], await NamesAsync(s, experiment.ExperimentId, "metrics.m > 1e300", "metrics.m DESC"));
    }

    [SkippableFact]
    public async Task Text_SortsByCodePoint_LikeIsCaseSensitive_ILikeFoldsAsciiOnly_AndUnicodeRoundTrips()
    {
        await using var s = await OpenAsync();
        var experiment = await s.Tracking.CreateExperimentAsync("texte — テキスト", [new Tag("team", "données 📈")], None);
        var models = new[] { "Zeta", "alpha", "Élan", "élan", "_x", "Alpha", "日本" };
        foreach (var model in models)
        {
            var run = await s.Tracking.CreateRunAsync(new NewRun(experiment.ExperimentId, model), None);
            await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Params: [new Param("model", model)], Tags: [new Tag("label", model + "✓")]), None);
        }
        var stored = await s.Tracking.GetExperimentByNameAsync("texte — テキスト", None);
        Assert.Equal([new Tag("team", "données 📈")], stored.Tags);

        Assert.Equal(["Alpha", "Zeta", "_x", "alpha", "Élan", "élan", "日本"], await NamesAsync(s, experiment.ExperimentId, null, "params.model ASC"));
        Assert.Equal(["Alpha"], await NamesAsync(s, experiment.ExperimentId, "params.model LIKE 'Al%'", "params.model"));
        Assert.Equal(["Alpha", "alpha"], await NamesAsync(s, experiment.ExperimentId, "params.model ILIKE 'al%'", "params.model"));
        // É and é are not ASCII: ILIKE does not fold them on either backend.
        Assert.Equal(["élan"], await NamesAsync(s, experiment.ExperimentId, "params.model ILIKE 'él%'", "params.model"));
        Assert.Equal(["日本"], await NamesAsync(s, experiment.ExperimentId, "tags.label = '日本✓'", "params.model"));
    }

    [SkippableFact]
    public async Task Ties_AreBrokenByTheRunId_AndMissingValuesComeLast()
    {
        await using var s = await OpenAsync();
        var experiment = await s.Tracking.CreateExperimentAsync("ties", [], None);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            // The same start time for all: the clock does not move.
            var run = await s.Tracking.CreateRunAsync(new NewRun(experiment.ExperimentId, $"t{i}"), None);
            ids.Add(run.RunId.Value);
            if (i % 2 == 0)
            {
                await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Params: [new Param("p", "same")]), None);
            }
        }
        var byDefault = (await s.Tracking.SearchRunsAsync(new RunSearch([experiment.ExperimentId]), None)).Items.Select(r => r.RunId.Value);
        Assert.Equal(ids.Order(StringComparer.Ordinal), byDefault);
        var byParam = (await s.Tracking.SearchRunsAsync(new RunSearch([experiment.ExperimentId], OrderBy: ["params.p DESC"]), None)).Items.Select(r => r.RunId.Value).ToList();
        Assert.Equal(ids.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal).Concat(ids.Where((_, i) => i % 2 == 1).Order(StringComparer.Ordinal)), byParam);
        var byEnd = await NamesAsync(s, experiment.ExperimentId, "attributes.end_time IS NULL", "attributes.end_time ASC");
        Assert.Equal(6, byEnd.Count);
    }

    private static async Task<List<string>> NamesAsync(StoreUnderTest s, ExperimentId experiment, string? filter, params string[] orderBy) =>
        (await s.Tracking.SearchRunsAsync(new RunSearch([experiment], filter, OrderBy: orderBy), None)).Items.Select(r => r.RunName).ToList();
}
