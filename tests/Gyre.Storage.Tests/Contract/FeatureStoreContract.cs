using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Features;

namespace Gyre.Storage.Tests.Contract;

/// <summary>The feature group store: a group recorded once, listed by name, parts appended by concurrent ingests without losing one, deleted.</summary>
public abstract class FeatureStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    private static FeatureGroup Group(string name) => new(name, ["customer_id"], "ts", [new FeatureColumn("calls", ColumnType.Integer), new FeatureColumn("plan", ColumnType.Categorical)],
        FeatureGroup.DatasetOf(name), [new FeatureGroupPart("usage", 1, 100, 1000)], 1000, 86400, "calls per customer");

    [SkippableFact]
    public async Task Groups_AreRecordedOnce_GainPartsConcurrently_AndAreDeleted()
    {
        await using var s = await OpenAsync();
        var store = s.Storage.FeatureGroups;
        await store.AddAsync(Group("usage"), None);
        await store.AddAsync(Group("billing"), None);
        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<GyreException>(() => store.AddAsync(Group("usage"), None))).Code);
        Assert.Equal(["billing", "usage"], (await store.ListAsync(None)).Select(g => g.Name));
        var read = (await store.GetAsync("usage", None))!;
        Assert.Equal(Group("usage").Features, read.Features);
        Assert.Equal((86400L, "calls per customer", 100L), (read.TtlSeconds, read.Description, read.Rows));

        // Eight ingests at once: every part lands.
        await Task.WhenAll(Enumerable.Range(2, 8).Select(v => store.AddPartAsync("usage", new FeatureGroupPart("usage.features", v, 10, 2000 + v), None)));
        var grown = (await store.GetAsync("usage", None))!;
        Assert.Equal(9L, grown.Version);
        Assert.Equal(Enumerable.Range(2, 8).Select(v => (long)v), grown.Parts.Skip(1).Select(p => p.Version).Order());
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => store.AddPartAsync("nope", new FeatureGroupPart("x", 1, 1, 1), None))).Code);

        Assert.True(await store.DeleteAsync("usage", None));
        Assert.False(await store.DeleteAsync("usage", None));
        Assert.Null(await store.GetAsync("usage", None));
    }
}

public sealed class SqliteFeatureStoreTests : FeatureStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresFeatureStoreTests : FeatureStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();
}
