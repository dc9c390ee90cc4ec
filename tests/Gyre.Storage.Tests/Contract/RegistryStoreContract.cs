using Gyre.Core.Errors;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Tests.Contract;

public abstract class RegistryStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<ModelVersion> AddVersionAsync(StoreUnderTest s, string model, RunId run) =>
        s.Registry.CreateVersionAsync(model, new NewModelVersion(run, "model"), $"runs:/{run}/model", None);

    [SkippableFact]
    public async Task Model_CreateGetRenameDescribeDelete()
    {
        await using var s = await OpenAsync();
        await s.Registry.CreateModelAsync("churn", "first", [new Tag("team", "growth")], None);
        var renamed = await s.Registry.UpdateModelAsync("churn", "churn-v2", "second", None);
        Assert.Equal(("churn-v2", "second"), (renamed.Name, renamed.Description));
        Assert.Equal([new Tag("team", "growth")], renamed.Tags);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => s.Registry.GetModelAsync("churn", None))).Code);
        await s.Registry.DeleteModelAsync("churn-v2", None);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => s.Registry.GetModelAsync("churn-v2", None))).Code);
    }

    [SkippableFact]
    public async Task Model_DuplicateOrBadName_IsRejected()
    {
        await using var s = await OpenAsync();
        await s.Registry.CreateModelAsync("m", null, [], None);
        Assert.Equal(ErrorCode.AlreadyExists, (await Assert.ThrowsAsync<GyreException>(() => s.Registry.CreateModelAsync("m", null, [], None))).Code);
        var bad = await Assert.ThrowsAsync<GyreException>(() => s.Registry.CreateModelAsync("a/b", null, [], None));
        Assert.StartsWith("name:", bad.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Versions_AreNumberedFromOnePerModel()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("a", null, [], None);
        await s.Registry.CreateModelAsync("b", null, [], None);
        Assert.Equal(1, (await AddVersionAsync(s, "a", run.RunId)).Version);
        Assert.Equal(2, (await AddVersionAsync(s, "a", run.RunId)).Version);
        Assert.Equal(1, (await AddVersionAsync(s, "b", run.RunId)).Version);
        var versions = await s.Registry.ListVersionsAsync("a", 10, null, None);
        Assert.Equal([2L, 1L], versions.Items.Select(v => v.Version));
        Assert.All(versions.Items, v => Assert.Equal(ModelVersionStatus.Ready, v.Status));
        Assert.Equal(2, (await s.Registry.GetModelAsync("a", None)).LatestVersion);
    }

    [SkippableFact]
    public async Task Versions_UnderConcurrency_GetDistinctConsecutiveNumbers()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("busy", null, [], None);
        var versions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => AddVersionAsync(s, "busy", run.RunId))));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), versions.Select(v => v.Version).Order());
    }

    [SkippableFact]
    public async Task Alias_SetMoveResolveDelete()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("m", null, [], None);
        await AddVersionAsync(s, "m", run.RunId);
        await AddVersionAsync(s, "m", run.RunId);
        await s.Registry.SetAliasAsync("m", "champion", 1, None);
        Assert.Equal(1, (await s.Registry.GetVersionByAliasAsync("m", "champion", None)).Version);
        await s.Registry.SetAliasAsync("m", "champion", 2, None);
        var champion = await s.Registry.GetVersionByAliasAsync("m", "champion", None);
        Assert.Equal(2, champion.Version);
        Assert.Equal(["champion"], champion.Aliases);
        Assert.Equal([new ModelAlias("champion", 2)], (await s.Registry.GetModelAsync("m", None)).Aliases);
        await s.Registry.DeleteAliasAsync("m", "champion", None);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => s.Registry.GetVersionByAliasAsync("m", "champion", None))).Code);
    }

    [SkippableTheory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("bad alias")]
    [InlineData("")]
    public async Task Alias_ReservedOrMalformed_IsInvalid(string alias)
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("m", null, [], None);
        await AddVersionAsync(s, "m", run.RunId);
        Assert.Equal(ErrorCode.InvalidArgument, (await Assert.ThrowsAsync<GyreException>(() => s.Registry.SetAliasAsync("m", alias, 1, None))).Code);
    }

    [SkippableFact]
    public async Task Alias_ToMissingVersion_IsNotFound_AndDeletingAVersionDropsItsAliases()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("m", null, [], None);
        await AddVersionAsync(s, "m", run.RunId);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => s.Registry.SetAliasAsync("m", "x", 7, None))).Code);
        await s.Registry.SetAliasAsync("m", "champion", 1, None);
        await s.Registry.DeleteVersionAsync("m", 1, None);
        Assert.Empty((await s.Registry.GetModelAsync("m", None)).Aliases);
    }

    [SkippableFact]
    public async Task Alias_UnderConcurrentSetters_ReadersAlwaysSeeASetVersion()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("m", null, [], None);
        for (var i = 0; i < 3; i++)
        {
            await AddVersionAsync(s, "m", run.RunId);
        }
        await s.Registry.SetAliasAsync("m", "champion", 1, None);
        var setters = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await s.Registry.SetAliasAsync("m", "champion", 1 + ((w + i) % 3), None);
            }
        }));
        var seen = new List<long>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var version = await s.Registry.GetVersionByAliasAsync("m", "champion", None);
                lock (seen)
                {
                    seen.Add(version.Version);
                }
            }
        }));
        await Task.WhenAll(setters.Concat(readers));
        Assert.Equal(160, seen.Count);
        Assert.All(seen, v => Assert.InRange(v, 1, 3));
    }

    [SkippableFact]
    public async Task Search_ByNameAndTag()
    {
        await using var s = await OpenAsync();
        await s.Registry.CreateModelAsync("churn-a", null, [new Tag("team", "growth")], None);
        await s.Registry.CreateModelAsync("churn-b", null, [], None);
        await s.Registry.CreateModelAsync("fraud", null, [new Tag("team", "growth")], None);
        var page = await s.Registry.SearchModelsAsync(new ModelSearch("name LIKE 'churn%' AND tags.team = 'growth'"), None);
        Assert.Equal(["churn-a"], page.Items.Select(m => m.Name));
        var all = await s.Registry.SearchModelsAsync(new ModelSearch(MaxResults: 2), None);
        Assert.Equal(["churn-a", "churn-b"], all.Items.Select(m => m.Name));
        Assert.NotNull(all.NextPageToken);
    }

    [SkippableFact]
    public async Task VersionTags_AndDescription()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("m", null, [], None);
        await AddVersionAsync(s, "m", run.RunId);
        await s.Registry.SetVersionTagAsync("m", 1, new Tag("validated", "yes"), None);
        var updated = await s.Registry.UpdateVersionAsync("m", 1, "the first", None);
        Assert.Equal("the first", updated.Description);
        Assert.Equal([new Tag("validated", "yes")], updated.Tags);
        await s.Registry.DeleteVersionTagAsync("m", 1, "validated", None);
        Assert.Empty((await s.Registry.GetVersionAsync("m", 1, None)).Tags);
    }

    [SkippableFact]
    public async Task Versions_DeletedNumbers_AreNeverReused()
    {
        await using var s = await OpenAsync();
        var run = await s.Tracking.CreateRunAsync(new NewRun(ExperimentId.Default), None);
        await s.Registry.CreateModelAsync("m", null, [], None);
        await AddVersionAsync(s, "m", run.RunId);
        await AddVersionAsync(s, "m", run.RunId);
        await s.Registry.DeleteVersionAsync("m", 2, None);
        Assert.Equal(3, (await AddVersionAsync(s, "m", run.RunId)).Version);
    }
}
