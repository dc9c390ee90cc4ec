using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Tests.Contract;

public abstract class TrackingStoreLoggingContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Params_AreWriteOnce_SameValueIsNoOp_OtherValueIsConflictNamingTheKey()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Params: [new Param("lr", "0.1"), new Param("depth", "6")]), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Params: [new Param("lr", "0.1")]), None);
        var error = await Assert.ThrowsAsync<GyreException>(() =>
            s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("m", 1, 0, 1)], [new Param("lr", "0.2")]), None));
        Assert.Equal(ErrorCode.Conflict, error.Code);
        Assert.Contains("'lr'", error.Message, StringComparison.Ordinal);

        var stored = await s.Tracking.GetRunAsync(run.RunId, None);
        Assert.Equal([new Param("depth", "6"), new Param("lr", "0.1")], stored.Params);
        Assert.Empty(stored.Metrics); // the failed batch wrote nothing at all
    }

    [SkippableFact]
    public async Task AFullBatch_OfParamsAndTags_IsWrittenWhole_AndATagSetTwiceKeepsItsLastValue()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default, Tags: [new Tag("t", "0"), new Tag("t", "1")]), None);
        var parameters = Enumerable.Range(0, 100).Select(i => new Param($"p{i:D3}", $"v{i}")).ToList();
        var tags = Enumerable.Range(0, 99).Select(i => new Tag($"k{i:D3}", $"w{i}")).Append(new Tag("k000", "last")).ToList();
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Params: parameters, Tags: tags), None);

        var stored = await s.Tracking.GetRunAsync(run.RunId, None);
        Assert.Equal(parameters, stored.Params);
        Assert.Equal(100, stored.Tags.Count);
        Assert.Equal("last", stored.Tags.Single(t => t.Key == "k000").Value);
        Assert.Equal("1", stored.Tags.Single(t => t.Key == "t").Value);
    }

    [SkippableFact]
    public async Task Tags_Overwrite()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Tags: [new Tag("t", "1")]), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(Tags: [new Tag("t", "2")]), None);
        Assert.Equal([new Tag("t", "2")], (await s.Tracking.GetRunAsync(run.RunId, None)).Tags);
    }

    [SkippableFact]
    public async Task Metrics_Append_HistoryIsInStepOrder_LatestIsHighestStep()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("loss", 0.5, 2, 100), new Metric("loss", 0.9, 0, 300)]), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("loss", 0.7, 1, 200), new Metric("loss", 0.4, 2, 400)]), None);

        var history = await s.Tracking.GetMetricHistoryAsync(run.RunId, "loss", None);
        Assert.Equal([0.9, 0.7, 0.5, 0.4], history.Select(m => m.Value));
        Assert.Equal([0L, 1, 2, 2], history.Select(m => m.Step));
        Assert.Equal(new Metric("loss", 0.4, 2, 400), Assert.Single((await s.Tracking.GetRunAsync(run.RunId, None)).Metrics));
    }

    [SkippableFact]
    public async Task Metrics_ExactDuplicatePoint_IsStoredOnce_AsInMlflow()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        var point = new Metric("loss", 0.5, 1, 100);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([point, point, point with { Value = 0.6 }]), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([point]), None);
        Assert.Equal([0.5, 0.6], (await s.Tracking.GetMetricHistoryAsync(run.RunId, "loss", None)).Select(m => m.Value));
    }

    [SkippableFact]
    public async Task Metrics_OlderStepLater_DoesNotMoveTheLatest()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("acc", 0.9, 10, 1)]), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("acc", 0.1, 3, 2)]), None);
        Assert.Equal(0.9, Assert.Single((await s.Tracking.GetRunAsync(run.RunId, None)).Metrics).Value);
    }

    [SkippableFact]
    public async Task NonFiniteMetricValues_RoundTrip()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(
            [new Metric("x", double.NaN, 0, 1), new Metric("x", double.PositiveInfinity, 1, 1), new Metric("x", double.NegativeInfinity, 2, 1), new Metric("x", -0.0, 3, 1)]), None);
        var values = (await s.Tracking.GetMetricHistoryAsync(run.RunId, "x", None)).Select(m => m.Value).ToList();
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal(double.PositiveInfinity, values[1]);
        Assert.Equal(double.NegativeInfinity, values[2]);
        Assert.Equal(0.0, values[3]);
    }

    [SkippableFact]
    public async Task InvalidBatch_IsRejectedWhole_WithEveryProblem()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        var error = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.LogBatchAsync(run.RunId,
            new LogBatch([new Metric("good", 1, 0, 1), new Metric("bad!", 1, 0, 1)], Tags: [new Tag("", "x")]), None));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(2, error.Errors.Count);
        Assert.Empty(await s.Tracking.GetMetricHistoryAsync(run.RunId, "good", None));
    }

    [SkippableFact]
    public async Task MetricHistory_OfMissingRun_IsNotFound()
    {
        await using var s = await OpenAsync();
        var error = await Assert.ThrowsAsync<GyreException>(() => s.Tracking.GetMetricHistoryAsync(RunId.New(), "x", None));
        Assert.Equal(ErrorCode.NotFound, error.Code);
    }

    [SkippableFact]
    public async Task DatasetInputs_AreRecordedOnce()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        var input = new DatasetInput("churn", "sha256:ab12", "file:///data/churn.csv", "train");
        await s.Tracking.LogInputsAsync(run.RunId, [input, new DatasetInput("churn", "sha256:ab12", null, "eval")], None);
        await s.Tracking.LogInputsAsync(run.RunId, [input], None);
        var inputs = (await s.Tracking.GetRunAsync(run.RunId, None)).Inputs;
        Assert.Equal(2, inputs.Count);
        Assert.Contains(input, inputs);
    }

    [SkippableFact]
    public async Task Metrics_TieOnStepAndTimestamp_LatestIsTheLargestValue_WhateverTheOrder()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("m", 0.9, 1, 5)]), None);
        await s.Tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric("m", 0.2, 1, 5), new Metric("m", double.NaN, 1, 5)]), None);
        Assert.Equal(0.9, Assert.Single((await s.Tracking.GetRunAsync(run.RunId, None)).Metrics).Value);
    }
}
