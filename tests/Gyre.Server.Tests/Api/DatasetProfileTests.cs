using System.Text.Json;
using Gyre.Core.Data;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// The profile against statistics computed outside .NET: Fixtures/make_profile_fixture.py wrote
/// the CSV and what NumPy computes for it (mean, both standard deviations, linear quantiles,
/// histogram counts), and the test compares to 1e-9 relative.
/// </summary>
public sealed class DatasetProfileTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static void Close(double expected, double? actual, string what)
    {
        Assert.True(actual is { } a && Math.Abs(a - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Fact]
    public async Task Profile_AgreesWithNumPy()
    {
        var name = Unique.Name("profile");
        await using (var csv = File.OpenRead(Path.Combine(Fixtures, "profile_fixture.csv")))
        {
            await fixture.Server.Client.Datasets.AddAsync(name, csv, DatasetFormat.Csv);
        }
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Fixtures, "profile_fixture.expected.json"))).RootElement;
        var profile = await fixture.Server.Client.Datasets.GetProfileAsync(name);

        Assert.Equal(expected.GetProperty("rows").GetInt64(), profile.Rows);
        Assert.Equal(expected.GetProperty("duplicate_rows").GetInt64(), profile.DuplicateRows);
        foreach (var column in new[] { "amount", "tenure", "score" })
        {
            var want = expected.GetProperty(column);
            var got = profile.Columns.Single(c => c.Name == column);
            Assert.Equal(want.GetProperty("count").GetInt64(), got.Count);
            Assert.Equal(want.GetProperty("missing").GetInt64(), got.Missing);
            Assert.Equal(want.GetProperty("distinct").GetInt64(), got.Distinct);
            Assert.False(got.DistinctApproximate);
            foreach (var stat in new[] { "min", "max", "mean", "stddev", "stddev_population" })
            {
                var actual = stat switch
                {
                    "min" => got.Min,
                    "max" => got.Max,
                    "mean" => got.Mean,
                    "stddev" => got.Stddev,
                    _ => got.StddevPopulation,
                };
                Close(want.GetProperty(stat).GetDouble(), actual, $"{column}.{stat}");
            }
            foreach (var quantile in want.GetProperty("quantiles").EnumerateObject())
            {
                Close(quantile.Value.GetDouble(), got.Quantiles![quantile.Name], $"{column}.quantile {quantile.Name}");
            }
            Assert.Equal(want.GetProperty("histogram").EnumerateArray().Select(c => c.GetInt64()), got.Histogram!.Select(b => b.Count));
        }

        var plan = profile.Columns.Single(c => c.Name == "plan");
        Assert.Equal(ColumnType.Categorical, plan.Type);
        Assert.Equal(
            expected.GetProperty("plan").GetProperty("top_values").EnumerateArray().Select(v => (v.GetProperty("value").GetString(), v.GetProperty("count").GetInt64())),
            plan.TopValues!.Select(v => ((string?)v.Value, v.Count)));
        var customer = profile.Columns.Single(c => c.Name == "customer_id");
        Assert.Equal(ColumnType.Text, customer.Type);
        Assert.Equal(expected.GetProperty("customer_id").GetProperty("distinct").GetInt64(), customer.Distinct);
    }

    [Fact]
    public async Task Profile_OfDatetimeAndConstantColumns()
    {
        var name = Unique.Name("dates");
        var csv = "when,constant\n2024-03-01,5\n2023-12-31,5\n2024-01-15,5\n"u8.ToArray();
        await fixture.Server.Client.Datasets.AddAsync(name, new MemoryStream(csv), DatasetFormat.Csv);
        var profile = await fixture.Server.Client.Datasets.GetProfileAsync(name, 1);
        var when = profile.Columns[0];
        Assert.Equal((ColumnType.Datetime, "2023-12-31", "2024-03-01"), (when.Type, when.First, when.Last));
        var constant = profile.Columns[1];
        Assert.Equal((5.0, 5.0, 0.0), (constant.Min, constant.Max, constant.StddevPopulation));
        Assert.Equal(3, Assert.Single(constant.Histogram!).Count);
    }
}
