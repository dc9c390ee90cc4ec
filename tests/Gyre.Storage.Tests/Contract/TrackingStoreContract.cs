using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Tests.Contract;

/// <summary>
/// The behaviour every tracking store must have. Each implementation (SQLite now, PostgreSQL
/// later) derives from this class and supplies <see cref="OpenAsync"/>.
/// </summary>
public abstract class TrackingStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task DefaultExperiment_Exists()
    {
        await using var s = await OpenAsync();
        var experiment = await s.Tracking.GetExperimentAsync(ExperimentId.Default, None);
        Assert.Equal("Default", experiment.Name);
    }

    [SkippableFact]
    public async Task Experiment_CreateGetByIdAndName_RoundTripsTags()
    {
        await using var s = await OpenAsync();
        var created = await s.Tracking.CreateExperimentAsync("churn", [new Tag("team", "growth")], None);
        var byId = await s.Tracking.GetExperimentAsync(created.ExperimentId, None);
        var byName = await s.Tracking.GetExperimentByNameAsync("churn", None);
        Assert.Equal(created, byId with { Tags = created.Tags });
        Assert.Equal(created.ExperimentId, byName.ExperimentId);
        Assert.Equal([new Tag("team", "growth")], byId.Tags);
        Assert.Equal(s.Time.GetUtcNow().ToUnixTimeMilliseconds(), byId.CreationTime);
    }

    [SkippableFact]
    public async Task Experiment_DuplicateName_IsAlreadyExists()
    {
        await using var s = await OpenAsync();
        await s.Tracking.CreateExperimentAsync("dup", [], None);
        var error = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.CreateExperimentAsync("dup", [], None));
        Assert.Equal(ErrorCode.AlreadyExists, error.Code);
    }

    [SkippableFact]
    public async Task Experiment_DeletedName_IsReusableOnlyAfterPermanentDelete()
    {
        await using var s = await OpenAsync();
        var first = await s.Tracking.CreateExperimentAsync("reuse", [], None);
        await s.Tracking.DeleteExperimentAsync(first.ExperimentId, None);
        var whileDeleted = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.CreateExperimentAsync("reuse", [], None));
        Assert.Contains("deleted state", whileDeleted.Message, StringComparison.Ordinal);

        await s.Tracking.PurgeExperimentAsync(first.ExperimentId, None);
        var second = await s.Tracking.CreateExperimentAsync("reuse", [], None);
        Assert.NotEqual(first.ExperimentId, second.ExperimentId);
        await Assert.ThrowsAsync<GyreException>(() => s.Tracking.GetExperimentAsync(first.ExperimentId, None));
    }

    [SkippableFact]
    public async Task Experiment_PurgeOfActive_IsConflict()
    {
        await using var s = await OpenAsync();
        var e = await s.Tracking.CreateExperimentAsync("active", [], None);
        var error = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.PurgeExperimentAsync(e.ExperimentId, None));
        Assert.Equal(ErrorCode.Conflict, error.Code);
    }

    [SkippableFact]
    public async Task Experiment_DeleteRestore_AndViewTypes()
    {
        await using var s = await OpenAsync();
        var a = await s.Tracking.CreateExperimentAsync("a", [], None);
        var b = await s.Tracking.CreateExperimentAsync("b", [], None);
        await s.Tracking.DeleteExperimentAsync(b.ExperimentId, None);

        var active = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch(), None);
        var deleted = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch(ViewType: ViewType.DeletedOnly), None);
        var all = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch(ViewType: ViewType.All), None);
        Assert.Equal(["Default", "a"], active.Items.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["b"], deleted.Items.Select(e => e.Name));
        Assert.Equal(3, all.Items.Count);

        await s.Tracking.RestoreExperimentAsync(b.ExperimentId, None);
        Assert.Equal(LifecycleStage.Active, (await s.Tracking.GetExperimentAsync(b.ExperimentId, None)).LifecycleStage);
        var again = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.RestoreExperimentAsync(a.ExperimentId, None));
        Assert.Equal(ErrorCode.Conflict, again.Code);
    }

    [SkippableFact]
    public async Task Experiment_Rename_ChecksTheNewName()
    {
        await using var s = await OpenAsync();
        var a = await s.Tracking.CreateExperimentAsync("old", [], None);
        await s.Tracking.CreateExperimentAsync("taken", [], None);
        Assert.Equal("new", (await s.Tracking.RenameExperimentAsync(a.ExperimentId, "new", None)).Name);
        var error = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.RenameExperimentAsync(a.ExperimentId, "taken", None));
        Assert.Equal(ErrorCode.AlreadyExists, error.Code);
    }

    [SkippableFact]
    public async Task Experiment_Search_FiltersByNameAndTag_AndPages()
    {
        await using var s = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await s.Tracking.CreateExperimentAsync($"churn-{i}", [new Tag("parity", i % 2 == 0 ? "even" : "odd")], None);
        }
        await s.Tracking.CreateExperimentAsync("fraud", [], None);
        var even = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch("name LIKE 'churn-%' AND tags.parity = 'even'", OrderBy: ["name"]), None);
        Assert.Equal(["churn-0", "churn-2", "churn-4"], even.Items.Select(e => e.Name));

        var first = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch("name LIKE 'churn%'", OrderBy: ["name DESC"], MaxResults: 2), None);
        var second = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch("name LIKE 'churn%'", OrderBy: ["name DESC"], MaxResults: 2, PageToken: first.NextPageToken), None);
        var third = await s.Tracking.SearchExperimentsAsync(new ExperimentSearch("name LIKE 'churn%'", OrderBy: ["name DESC"], MaxResults: 2, PageToken: second.NextPageToken), None);
        Assert.Equal(["churn-4", "churn-3", "churn-2", "churn-1", "churn-0"], first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.Name));
        Assert.Null(third.NextPageToken);
    }

    [SkippableFact]
    public async Task Run_CreateGetUpdate_FollowsMlflowStatuses()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default, "train", Tags: [new Tag("k", "v")]), None);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal("train", run.RunName);
        Assert.Null(run.EndTime);
        Assert.Equal(32, run.RunId.Value.Length);

        s.Time.Advance(TimeSpan.FromSeconds(5));
        var finished = await s.Tracking.UpdateRunAsync(run.RunId, new RunUpdate(RunStatus.Finished), None);
        Assert.Equal(RunStatus.Finished, finished.Status);
        Assert.Equal(run.StartTime + 5000, finished.EndTime);
        Assert.Equal([new Tag("k", "v")], finished.Tags);
    }

    [SkippableFact]
    public async Task Run_WithoutName_GetsAGeneratedOne()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]+$", run.RunName);
    }

    [SkippableFact]
    public async Task Run_InMissingExperiment_IsNotFound_AndParentMustShareTheExperiment()
    {
        await using var s = await OpenAsync();
        var missing = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.CreateRunAsync(new NewRun(new ExperimentId("999")), None));
        Assert.Equal(ErrorCode.NotFound, missing.Code);

        var other = await s.Tracking.CreateExperimentAsync("other", [], None);
        var parent = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        var child = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default, ParentRunId: parent.RunId), None);
        Assert.Equal(parent.RunId, child.ParentRunId);
        var mismatch = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.CreateRunAsync(new NewRun(other.ExperimentId, ParentRunId: parent.RunId), None));
        Assert.Equal(ErrorCode.InvalidArgument, mismatch.Code);
        Assert.StartsWith("parent_run_id:", mismatch.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Run_DeleteRestorePurge()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.DeleteRunAsync(run.RunId, None);
        Assert.Equal(LifecycleStage.Deleted, (await s.Tracking.GetRunAsync(run.RunId, None)).LifecycleStage);
        var write = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Tags: [new Tag("a", "b")]), None));
        Assert.Equal(ErrorCode.Conflict, write.Code);
        await s.Tracking.RestoreRunAsync(run.RunId, None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Tags: [new Tag("a", "b")]), None);
        await s.Tracking.DeleteRunAsync(run.RunId, None);
        await s.Tracking.PurgeRunAsync(run.RunId, None);
        var gone = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.GetRunAsync(run.RunId, None));
        Assert.Equal(ErrorCode.NotFound, gone.Code);
    }

    [SkippableFact]
    public async Task Experiment_DeleteTakesItsRuns_RestoreBringsBackOnlyThose()
    {
        await using var s = await OpenAsync();
        var e = await s.Tracking.CreateExperimentAsync("with-runs", [], None);
        var kept = await s.Tracking.CreateRunAsync(new NewRun(e.ExperimentId, "kept"), None);
        var alreadyDeleted = await s.Tracking.CreateRunAsync(new NewRun(e.ExperimentId, "gone"), None);
        await s.Tracking.DeleteRunAsync(alreadyDeleted.RunId, None);

        await s.Tracking.DeleteExperimentAsync(e.ExperimentId, None);
        Assert.Equal(LifecycleStage.Deleted, (await s.Tracking.GetRunAsync(kept.RunId, None)).LifecycleStage);
        Assert.Empty((await s.Tracking.SearchRunsAsync(new RunSearch([e.ExperimentId]), None)).Items);

        await s.Tracking.RestoreExperimentAsync(e.ExperimentId, None);
        Assert.Equal(LifecycleStage.Active, (await s.Tracking.GetRunAsync(kept.RunId, None)).LifecycleStage);
        Assert.Equal(LifecycleStage.Deleted, (await s.Tracking.GetRunAsync(alreadyDeleted.RunId, None)).LifecycleStage);
    }

    [SkippableFact]
    public async Task Purge_IsRefused_WhileAModelVersionComesFromTheRun()
    {
        await using var s = await OpenAsync();
        var e = await s.Tracking.CreateExperimentAsync("source", [], None);
        var run = await s.Tracking.CreateRunAsync(new NewRun(e.ExperimentId), None);
        await s.Registry.CreateModelAsync("from-run", null, [], None);
        await s.Registry.CreateVersionAsync("from-run", new Gyre.Core.Registry.NewModelVersion(run.RunId, "model"), $"runs:/{run.RunId}/model", None);
        await s.Tracking.DeleteRunAsync(run.RunId, None);
        var runError = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.PurgeRunAsync(run.RunId, None));
        Assert.Equal(ErrorCode.Conflict, runError.Code);
        Assert.Contains("from-run/1", runError.Message, StringComparison.Ordinal);
        await s.Tracking.DeleteExperimentAsync(e.ExperimentId, None);
        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<GyreException>(() => s.Tracking.PurgeExperimentAsync(e.ExperimentId, None))).Code);

        await s.Registry.DeleteVersionAsync("from-run", 1, None);
        await s.Tracking.PurgeExperimentAsync(e.ExperimentId, None);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => s.Tracking.GetRunAsync(run.RunId, None))).Code);
    }

    [SkippableFact]
    public async Task NullItemsInLists_AreInvalid_NotCrashes()
    {
        await using var s = await OpenAsync();
        var error = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.CreateExperimentAsync("nulls", [null!], None));
        Assert.Equal("tags[0]: expected an object {key, value}, got null", error.Message);
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        Assert.StartsWith("datasets[0]:", (await Assert.ThrowsAsync<GyreException>(() => s.Tracking.LogInputsAsync(run.RunId, [null!], None))).Message, StringComparison.Ordinal);
        Assert.StartsWith("params[0]:", (await Assert.ThrowsAsync<GyreException>(() => s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Params: [null!]), None))).Message, StringComparison.Ordinal);
    }
}
