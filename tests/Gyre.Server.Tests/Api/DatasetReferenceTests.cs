using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// Reference statistics against NumPy: Fixtures/make_reference_fixture.py computed the moments, the
/// 1001-point linear quantile grid, the decile bins and the value counts of two fixture files.
/// </summary>
public sealed class DatasetReferenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "reference_fixture.expected.json"))).RootElement;

    private static void Close(double expected, double? actual, string what) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private async Task<(string Name, ReferenceStatistics Statistics)> ReferenceOfAsync(string file)
    {
        var name = Unique.Name("reference");
        await using (var csv = File.OpenRead(Path.Combine(Fixtures, file)))
        {
            await fixture.Server.Client.Datasets.AddAsync(name, csv, DatasetFormat.Csv);
        }
        return (name, await fixture.Server.Client.Datasets.GetReferenceAsync(name, 1));
    }

    private static void AssertNumeric(JsonElement want, ColumnReference got, bool keepsValues)
    {
        Assert.Equal(want.GetProperty("count").GetInt64(), got.Count);
        Assert.Equal(want.GetProperty("missing").GetInt64(), got.Missing);
        Assert.Equal(want.GetProperty("distinct").GetInt64(), got.Distinct);
        foreach (var (field, value) in new[] { ("mean", got.Mean), ("stddev", got.Stddev), ("min", got.Min), ("max", got.Max) })
        {
            Close(want.GetProperty(field).GetDouble(), value, $"{got.Name}.{field}");
        }
        var quantiles = want.GetProperty("quantiles").EnumerateArray().Select(q => q.GetDouble()).ToList();
        Assert.Equal(ReferenceSettings.QuantilePoints, got.Quantiles!.Count);
        for (var i = 0; i < quantiles.Count; i++)
        {
            Close(quantiles[i], got.Quantiles[i], $"{got.Name} quantile {i / 1000.0}");
        }
        Assert.False(got.QuantilesApproximate);
        var edges = want.GetProperty("bin_edges").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(edges.Count - 1, got.Bins!.Count);
        for (var i = 0; i < got.Bins.Count; i++)
        {
            Close(edges[i], got.Bins[i].Lower, $"{got.Name} bin {i} lower edge");
        }
        Assert.Equal(want.GetProperty("bin_counts").EnumerateArray().Select(c => c.GetInt64()), got.Bins!.Select(b => b.Count));
        if (keepsValues)
        {
            Assert.Equal(want.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()), got.Values!);
        }
        else
        {
            Assert.Null(got.Values);
        }
    }

    private static void AssertCounts(JsonElement want, ColumnReference got) =>
        Assert.Equal(want.GetProperty("counts").EnumerateArray().Select(c => (c[0].GetString()!, c[1].GetInt64())), got.Counts!.Select(c => (c.Value, c.Count)));

    [Fact]
    public async Task LargeReference_KeepsQuantilesBinsAndCounts_AsNumPyComputesThem()
    {
        var (_, statistics) = await ReferenceOfAsync("profile_fixture.csv");
        var want = Expected.GetProperty("profile_fixture");
        Assert.Equal(want.GetProperty("rows").GetInt64(), statistics.Rows);
        // customer_id is free text: drift tests have no use for it.
        Assert.Equal(["amount", "tenure", "score", "plan"], statistics.Columns.Select(c => c.Name));
        foreach (var column in new[] { "amount", "tenure", "score" })
        {
            AssertNumeric(want.GetProperty(column), statistics.Columns.Single(c => c.Name == column), keepsValues: false);
        }
        var plan = statistics.Columns.Single(c => c.Name == "plan");
        AssertCounts(want.GetProperty("plan"), plan);
        Assert.Equal(0, plan.OtherCount);
    }

    [Fact]
    public async Task SmallReference_KeepsEveryValue_AndCountsOfFewValuedColumns()
    {
        var (_, statistics) = await ReferenceOfAsync("reference_small.csv");
        var want = Expected.GetProperty("reference_small");
        AssertNumeric(want.GetProperty("x"), statistics.Columns.Single(c => c.Name == "x"), keepsValues: true);
        var k = statistics.Columns.Single(c => c.Name == "k");
        AssertNumeric(want.GetProperty("k"), k, keepsValues: true);
        AssertCounts(want.GetProperty("k"), k);
        Assert.Null(statistics.Columns.Single(c => c.Name == "x").Counts);
        AssertCounts(want.GetProperty("flag"), statistics.Columns.Single(c => c.Name == "flag"));
    }

    [Fact]
    public async Task Reference_IsKept_SoItNeverReadsTheDataAgain()
    {
        var (name, first) = await ReferenceOfAsync("reference_small.csv");
        var version = await fixture.Server.Client.Datasets.GetVersionAsync(name, 1);
        var hex = version.Digest["sha256:".Length..];
        File.Delete(Path.Combine(fixture.Server.Home, "datasets", "objects", hex[..2], hex + ".csv"));
        var again = await fixture.Server.Client.Datasets.GetReferenceAsync(name, 1);
        Assert.Equal(JsonSerializer.Serialize(first), JsonSerializer.Serialize(again));
    }

    [Fact]
    public async Task ColumnsWithoutAFeatureRole_HaveNoReference()
    {
        var name = Unique.Name("roles");
        await fixture.Server.Client.Datasets.SetSchemaAsync(name, "columns:\n  x: {role: ignore}\n  flag: {role: label}\n");
        await using (var csv = File.OpenRead(Path.Combine(Fixtures, "reference_small.csv")))
        {
            await fixture.Server.Client.Datasets.AddAsync(name, csv, DatasetFormat.Csv);
        }
        var statistics = await fixture.Server.Client.Datasets.GetReferenceAsync(name, 1);
        Assert.Equal(["k", "flag"], statistics.Columns.Select(c => c.Name));
    }
}
