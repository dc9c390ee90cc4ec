using Gyre.Core.Tracking;

namespace Gyre.Core.Tests.Tracking;

public sealed class LogBatchValidatorTests
{
    [Fact]
    public void MlflowLimits_AreEnforcedPerKind()
    {
        var metrics = Enumerable.Range(0, 1001).Select(i => new Metric($"m{i}", i, 0, 1)).ToList();
        var parameters = Enumerable.Range(0, 101).Select(i => new Param($"p{i}", "v")).ToList();
        var tags = Enumerable.Range(0, 101).Select(i => new Tag($"t{i}", "v")).ToList();
        var problems = LogBatchValidator.Validate(new LogBatch(metrics, parameters, tags));
        Assert.Contains("metrics: 1001 given, at most 1000 per request", problems);
        Assert.Contains("params: 101 given, at most 100 per request", problems);
        Assert.Contains("tags: 101 given, at most 100 per request", problems);
        Assert.Contains("request holds 1203 items, at most 1000 in all", problems);
    }

    [Fact]
    public void ExactlyAtTheLimits_IsValid()
    {
        var metrics = Enumerable.Range(0, 1000).Select(i => new Metric($"m{i}", double.NaN, i, 1)).ToList();
        Assert.Empty(LogBatchValidator.Validate(new LogBatch(metrics)));
    }

    [Fact]
    public void EveryBadItem_IsReported_WithItsIndex()
    {
        var problems = LogBatchValidator.Validate(new LogBatch(
            [new Metric("ok", 1, 0, 1), new Metric("bad key!", 1, 0, 1), new Metric("m", 1, 0, -5)],
            [new Param("p", new string('x', 6001)), new Param("../p", "v")],
            [new Tag("", "v")]));
        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("metrics[1].key:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("metrics[2].timestamp:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("params[0].value: value is 6001 characters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("params[1].key:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tags[0].key:", StringComparison.Ordinal));
    }

    [Fact]
    public void SameParamTwice_WithDifferentValues_InOneBatch_IsInvalid()
    {
        var problems = LogBatchValidator.Validate(new LogBatch(Params: [new Param("lr", "0.1"), new Param("lr", "0.2")]));
        Assert.Equal(["params[1].key: param 'lr' appears twice with different values"], problems);
    }

    [Theory]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("/a")]
    public void KeysWithEmptySegments_AreInvalid(string key) =>
        Assert.Single(LogBatchValidator.Validate(new LogBatch(Tags: [new Tag(key, "v")])));
}
