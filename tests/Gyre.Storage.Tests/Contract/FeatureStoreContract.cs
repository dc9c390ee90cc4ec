using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Features;
using Gyre.Core.Features.Online;

namespace Gyre.Storage.Tests.Contract;

/// <summary>
/// The feature group store: a group recorded once, listed by name, parts appended by concurrent ingests
/// without losing one, deleted; how far its online store has read only moves forward. The online store:
/// each entity keeps its newest row (event time, then order), however rows arrive.
/// </summary>
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

        // How far the online store has read only moves forward: a slower materialisation finishing last changes nothing.
        Assert.Equal(5, (await store.SetMaterializedAsync("usage", new Materialization(5, 7000, 40, 9000), None)).Materialized!.Parts);
        Assert.Equal(new Materialization(5, 7000, 40, 9000), (await store.SetMaterializedAsync("usage", new Materialization(3, 6000, 30, 9500), None)).Materialized);
        Assert.Equal(new Materialization(9, 8000, 45, 9900), (await store.SetMaterializedAsync("usage", new Materialization(9, 8000, 45, 9900), None)).Materialized);

        Assert.True(await store.DeleteAsync("usage", None));
        Assert.False(await store.DeleteAsync("usage", None));
        Assert.Null(await store.GetAsync("usage", None));
    }

    [SkippableFact]
    public async Task TheOnlineStore_KeepsEachEntitysNewestRow_HoweverRowsArrive()
    {
        await using var s = await OpenAsync();
        var online = s.Storage.OnlineFeatures;
        static OnlineFeatureRow Row(string key, long time, long order, int calls) => new(key, time, order, $"{{\"calls\":{calls}}}");
        Assert.Equal(3L, await online.UpsertAsync("usage", [Row("c1", 100, 1, 1), Row("c2", 100, 2, 2), Row("c 3\u001fx", 50, 3, 3)], None));
        // Newer wins, older changes nothing, a tie of time goes to the greater order; another group is apart.
        Assert.Equal(2L, await online.UpsertAsync("usage", [Row("c1", 200, 4, 10), Row("c2", 90, 5, 20), Row("c 3\u001fx", 50, 9, 30)], None));
        Assert.Equal(0L, await online.UpsertAsync("usage", [Row("c1", 200, 3, 11)], None));
        await online.UpsertAsync("billing", [Row("c1", 1, 1, 99)], None);
        var read = await online.GetAsync("usage", ["c1", "c2", "c 3\u001fx", "c9"], None);
        Assert.Equal(3, read.Count);
        Assert.False(read.ContainsKey("c9"));
        Assert.Equal(Row("c1", 200, 4, 10), read["c1"]);
        Assert.Equal(Row("c2", 100, 2, 2), read["c2"]);
        Assert.Equal(Row("c 3\u001fx", 50, 9, 30), read["c 3\u001fx"]);
        Assert.Equal(Row("c1", 200, 4, 10), (await online.GetAsync("usage", ["c1"], None))["c1"]);
        Assert.Equal((3L, 1L), (await online.CountAsync("usage", None), await online.CountAsync("billing", None)));

        // A batch of thousands in one write (PostgreSQL: one round trip).
        var many = Enumerable.Range(0, 12_000).Select(i => Row($"k{i}", 10, i, i)).ToList();
        Assert.Equal(12_000L, await online.UpsertAsync("big", many, None));
        Assert.Equal(Row("k11999", 10, 11999, 11999), (await online.GetAsync("big", ["k11999", "k0"], None))["k11999"]);

        await online.DeleteAsync("usage", None);
        Assert.Equal((0L, 1L), (await online.CountAsync("usage", None), await online.CountAsync("billing", None)));
        Assert.Empty(await online.GetAsync("usage", ["c1"], None));
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
