using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Tests.Contract;

public abstract class TrackingStoreSearchContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Six runs with known params, metrics and tags, started one second apart.</summary>
    private static async Task<(ExperimentId Experiment, List<Run> Runs)> SeedAsync(StoreUnderTest s)
    {
        var experiment = await s.Tracking.CreateExperimentAsync("search", [], None);
        var runs = new List<Run>();
        var rows = new (string Name, string Model, double Rmse, string? Team)[]
        {
            ("r0", "LR", 0.9, "a"), ("r1", "LR", 0.5, "b"), ("r2", "GBM", 0.3, "a"),
            ("r3", "GBM", 0.7, null), ("r4", "lr", 0.1, "B"), ("r5", "GBM", double.NaN, "a"),
        };
        foreach (var (name, model, rmse, team) in rows)
        {
            s.Time.Advance(TimeSpan.FromSeconds(1));
            var run = await s.Tracking.CreateRunAsync(new NewRun(experiment.ExperimentId, name), None);
            await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(
                [new Metric("rmse", rmse, 0, 1)], [new Param("model", model)], team is null ? [] : [new Tag("team", team)]), None);
            runs.Add(run);
        }
        await s.Tracking.UpdateRunAsync(runs[1].RunId, new RunUpdate(RunStatus.Failed), None);
        return (experiment.ExperimentId, runs);
    }

    private static async Task<List<string>> NamesAsync(StoreUnderTest s, ExperimentId experiment, string? filter, params string[] orderBy) =>
        (await s.Tracking.SearchRunsAsync(new RunSearch([experiment], filter, OrderBy: orderBy), None)).Items.Select(r => r.RunName).ToList();

    [SkippableTheory]
    [InlineData("metrics.rmse < 0.6", new[] { "r4", "r2", "r1" })]
    [InlineData("metrics.rmse >= 0.5 AND params.model = 'LR'", new[] { "r1", "r0" })]
    [InlineData("params.model = 'LR' OR tags.team = 'B'", new[] { "r4", "r1", "r0" })]
    [InlineData("params.model LIKE 'L%'", new[] { "r1", "r0" })]
    [InlineData("params.model ILIKE 'l%'", new[] { "r4", "r1", "r0" })]
    [InlineData("NOT (params.model = 'GBM')", new[] { "r4", "r1", "r0" })]
    [InlineData("tags.team IS NULL", new[] { "r3" })]
    [InlineData("tags.team != 'a'", new[] { "r4", "r1" })]
    [InlineData("attributes.status = 'FAILED'", new[] { "r1" })]
    [InlineData("attributes.run_name IN ('r0', 'r5')", new[] { "r5", "r0" })]
    [InlineData("(metrics.rmse < 0.4 OR metrics.rmse > 0.8) AND NOT tags.team = 'B'", new[] { "r2", "r0" })]
    [InlineData("metrics.rmse != 0.3", new[] { "r4", "r3", "r1", "r0" })]
    public async Task Filter_SelectsExactlyTheMatchingRuns(string filter, string[] expected)
    {
        await using var s = await OpenAsync();
        var (experiment, _) = await SeedAsync(s);
        Assert.Equal(expected, await NamesAsync(s, experiment, filter));
    }

    [SkippableFact]
    public async Task OrderBy_Metric_PutsMissingAndNaNLast_InBothDirections()
    {
        await using var s = await OpenAsync();
        var (experiment, _) = await SeedAsync(s);
        Assert.Equal(["r4", "r2", "r1", "r3", "r0", "r5"], await NamesAsync(s, experiment, null, "metrics.rmse ASC"));
        Assert.Equal(["r0", "r3", "r1", "r2", "r4", "r5"], await NamesAsync(s, experiment, null, "metrics.rmse DESC"));
    }

    [SkippableFact]
    public async Task OrderBy_ParamThenStartTime()
    {
        await using var s = await OpenAsync();
        var (experiment, _) = await SeedAsync(s);
        Assert.Equal(["r5", "r3", "r2", "r1", "r0", "r4"], await NamesAsync(s, experiment, null, "params.model", "attributes.start_time DESC"));
    }

    [SkippableFact]
    public async Task Paging_WalksEveryRunOnce()
    {
        await using var s = await OpenAsync();
        var (experiment, runs) = await SeedAsync(s);
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await s.Tracking.SearchRunsAsync(new RunSearch([experiment], OrderBy: ["metrics.rmse"], MaxResults: 4, PageToken: token), None);
            seen.AddRange(page.Items.Select(r => r.RunName));
            token = page.NextPageToken;
        }
        while (token is not null);
        Assert.Equal(runs.Select(r => r.RunName).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [InlineData(null)]
    [InlineData("metrics.rmse")]
    [InlineData("params.model DESC")]
    public async Task Paging_UnderConcurrentInserts_NeitherRepeatsNorSkipsARun(string? orderBy)
    {
        await using var s = await OpenAsync();
        var (experiment, runs) = await SeedAsync(s);
        var search = new RunSearch([experiment], OrderBy: orderBy is null ? null : [orderBy], MaxResults: 2);
        var first = await s.Tracking.SearchRunsAsync(search, None);
        var seen = first.Items.Select(r => r.RunName).ToList();
        var all = (await s.Tracking.SearchRunsAsync(search with { MaxResults = 100 }, None)).Items.Select(r => r.RunName).ToList();
        var token = first.NextPageToken;
        var inserted = 0;
        while (token is not null)
        {
            // Between pages, runs arrive that sort anywhere: first, last, between.
            foreach (var (model, rmse) in new[] { ("AAA", -1.0), ("zzz", 99.0), ("LR", 0.55) })
            {
                s.Time.Advance(TimeSpan.FromSeconds(1));
                var run = await s.Tracking.CreateRunAsync(new NewRun(experiment, $"new{inserted++}"), None);
                await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("rmse", rmse, 0, 1)], [new Param("model", model)]), None);
            }
            var page = await s.Tracking.SearchRunsAsync(search with { PageToken = token }, None);
            seen.AddRange(page.Items.Select(r => r.RunName));
            token = page.NextPageToken;
        }
        // Every run that existed at the start is seen exactly once, in the order of the ordering;
        // runs that arrived meanwhile show up only where the walk had not passed yet.
        var original = seen.Where(n => !n.StartsWith("new", StringComparison.Ordinal)).ToList();
        Assert.Equal(all, original);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [SkippableFact]
    public async Task PageTokens_FromAnotherSearchOrForged_AreRefused()
    {
        await using var s = await OpenAsync();
        var (experiment, _) = await SeedAsync(s);
        var page = await s.Tracking.SearchRunsAsync(new RunSearch([experiment], OrderBy: ["metrics.rmse"], MaxResults: 2), None);
        var other = await Assert.ThrowsAsync<Gyre.Core.Errors.GyreException>(() =>
            s.Tracking.SearchRunsAsync(new RunSearch([experiment], OrderBy: ["metrics.rmse DESC"], MaxResults: 2, PageToken: page.NextPageToken), None));
        Assert.Contains("different query", other.Message, StringComparison.Ordinal);
        var forged = await Assert.ThrowsAsync<Gyre.Core.Errors.GyreException>(() =>
            s.Tracking.SearchRunsAsync(new RunSearch([experiment], OrderBy: ["metrics.rmse"], MaxResults: 2, PageToken: "k" + page.NextPageToken), None));
        Assert.Equal(Gyre.Core.Errors.ErrorCode.InvalidArgument, forged.Code);
    }

    [SkippableFact]
    public async Task Search_ReturnsRunsWithTheirData_AndHidesDeletedRunsByDefault()
    {
        await using var s = await OpenAsync();
        var (experiment, runs) = await SeedAsync(s);
        await s.Tracking.DeleteRunAsync(runs[0].RunId, None);
        var active = await s.Tracking.SearchRunsAsync(new RunSearch([experiment], "params.model = 'LR'"), None);
        var r1 = Assert.Single(active.Items);
        Assert.Equal([new Param("model", "LR")], r1.Params);
        Assert.Equal(0.5, Assert.Single(r1.Metrics).Value);
        var deleted = await s.Tracking.SearchRunsAsync(new RunSearch([experiment], RunViewType: ViewType.DeletedOnly), None);
        Assert.Equal(["r0"], deleted.Items.Select(r => r.RunName));
    }

    [SkippableFact]
    public async Task Search_WithoutExperiments_OrWithBadFilter_IsInvalid()
    {
        await using var s = await OpenAsync();
        var none = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.SearchRunsAsync(new RunSearch([]), None));
        Assert.StartsWith("experiment_ids:", none.Message, StringComparison.Ordinal);
        var bad = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.SearchRunsAsync(new RunSearch([ExperimentId.Default], "metrics.x <> "), None));
        Assert.Contains("at position 14", bad.Message, StringComparison.Ordinal);
        var size = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.SearchRunsAsync(new RunSearch([ExperimentId.Default], MaxResults: 0), None));
        Assert.StartsWith("max_results:", size.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Filter_ValuesAreBound_NotSpliced()
    {
        await using var s = await OpenAsync();
        var (experiment, _) = await SeedAsync(s);
        Assert.Empty(await NamesAsync(s, experiment, "params.model = 'x'' OR 1=1 --'"));
        Assert.Empty(await NamesAsync(s, experiment, "tags.\"team' OR '1'='1\" = 'a'"));
        Assert.Equal(6, (await NamesAsync(s, experiment, null)).Count);
    }
}
