using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Storage.Data;

namespace Gyre.Storage.Tests.Data;

/// <summary>A monitoring window's statistics against the exact computer's on the same file.</summary>
public sealed class DuckDbReferenceComputerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-reference-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>x spread over [0, 100) with a few nulls, k with five values, plan a category.</summary>
    private DatasetVersion Window(int rows)
    {
        var path = Path.Combine(_folder, $"w{rows}.parquet");
        using (var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = "COPY (SELECT CASE WHEN range % 97 = 0 THEN NULL ELSE (range * 7919 % 10007) / 100.07 END AS x, range % 5 AS k, " +
                $"CASE WHEN range % 3 = 0 THEN 'basic' ELSE 'pro' END AS plan FROM range({rows})) TO '{path}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }
        return new DatasetVersion("w", 1, path, DatasetFormat.Parquet, rows, new FileInfo(path).Length,
            [new ColumnSchema("x", ColumnType.Float, true, "DOUBLE"), new ColumnSchema("k", ColumnType.Integer, false, "BIGINT"), new ColumnSchema("plan", ColumnType.Categorical, false, "VARCHAR")],
            null, "ready", 0);
    }

    private async Task<(ColumnReference Window, ColumnReference Exact, ReferenceStatistics All)> BothAsync(int rows, string column)
    {
        var version = Window(rows);
        var computer = new DuckDbReferenceComputer(_folder);
        var window = await computer.ComputeWindowAsync(version.Digest, version, CancellationToken.None);
        var exact = await computer.ComputeAsync(version.Digest, version, CancellationToken.None);
        return (window.Columns.Single(c => c.Name == column), exact.Columns.Single(c => c.Name == column), window);
    }

    [Fact]
    public async Task SmallWindow_HasTheExactQuantileGrid()
    {
        var (window, exact, all) = await BothAsync(5_000, "x");

        Assert.False(window.QuantilesApproximate);
        Assert.Equal(exact.Count, window.Count);
        Assert.Equal(exact.Missing, window.Missing);
        Assert.Equal(ReferenceSettings.QuantilePoints, window.Quantiles!.Count);
        Assert.All(window.Quantiles.Zip(exact.Quantiles!), q => Assert.Equal(q.Second, q.First, 9));
        Assert.Equal(exact.Distinct, window.Distinct);
        // A column with few values keeps its counts; a category its value counts.
        Assert.Equal(5, all.Columns.Single(c => c.Name == "k").Counts!.Count);
        Assert.Equal(["pro", "basic"], all.Columns.Single(c => c.Name == "plan").Counts!.Select(c => c.Value));
    }

    [Fact]
    public async Task LargeWindow_CountsAndMomentsExact_QuantilesFromASampleWithinTheirRankError()
    {
        var (window, exact, all) = await BothAsync(600_000, "x");

        Assert.True(window.QuantilesApproximate);
        Assert.Equal(600_000, all.Rows);
        Assert.Equal((exact.Count, exact.Missing), (window.Count, window.Missing));
        Assert.Equal(exact.Mean!.Value, window.Mean!.Value, 9);
        Assert.Equal(exact.Stddev!.Value, window.Stddev!.Value, 9);
        Assert.Equal((exact.Min, exact.Max), (window.Min, window.Max));
        // x is spread evenly over 100: a rank error of 0.005 is half a unit.
        var worst = window.Quantiles!.Zip(exact.Quantiles!).Max(q => Math.Abs(q.First - q.Second));
        Assert.InRange(worst, 0, 0.5);
        Assert.Null(window.Values);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DiscreteColumns_CountedTogether_MatchTheirValuesOneByOne(bool window)
    {
        const int Rows = 30_000;
        var path = Path.Combine(_folder, "discrete.parquet");
        using (var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = "COPY (SELECT CASE WHEN range % 11 = 0 THEN NULL WHEN range % 3 = 0 THEN 'basic' ELSE 'pro' END AS plan, " +
                "range % 2 AS churned, 'c' || (range * 7 % 1500) AS city, NULL::VARCHAR AS empty, range * 0.5 AS x " +
                $"FROM range({Rows})) TO '{path}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }
        var version = new DatasetVersion("d", 1, path, DatasetFormat.Parquet, Rows, new FileInfo(path).Length,
            [new ColumnSchema("plan", ColumnType.Categorical, true, "VARCHAR"), new ColumnSchema("churned", ColumnType.Boolean, false, "BIGINT"),
                new ColumnSchema("city", ColumnType.Categorical, false, "VARCHAR"), new ColumnSchema("empty", ColumnType.Categorical, true, "VARCHAR"),
                new ColumnSchema("x", ColumnType.Float, false, "DOUBLE")],
            null, "ready", 0);
        var computer = new DuckDbReferenceComputer(_folder);

        var statistics = window
            ? await computer.ComputeWindowAsync(path, version, CancellationToken.None)
            : await computer.ComputeAsync(path, version, CancellationToken.None);

        Assert.Equal(["plan", "churned", "city", "empty", "x"], statistics.Columns.Select(c => c.Name));
        var all = Enumerable.Range(0, Rows).ToList();
        AssertCounted(statistics.Columns[0], all.Select(i => i % 11 == 0 ? null : i % 3 == 0 ? "basic" : "pro"));
        AssertCounted(statistics.Columns[1], all.Select(i => i % 2 == 1 ? "true" : "false"));
        AssertCounted(statistics.Columns[2], all.Select(i => $"c{i * 7 % 1500}"));
        AssertCounted(statistics.Columns[3], all.Select(_ => (string?)null));
        Assert.Equal(Rows - 1, statistics.Columns[4].Max!.Value * 2, 9);
    }

    /// <summary>A column's statistics against its values counted here: the most frequent first (ties by value), at most MaxCategories, the rest pooled.</summary>
    private static void AssertCounted(ColumnReference column, IEnumerable<string?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!).ToList();
        var groups = present.GroupBy(v => v).Select(g => new ValueCount(g.Key, g.Count()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Value, StringComparer.Ordinal).ToList();
        var kept = groups.Take(ReferenceSettings.MaxCategories).ToList();
        Assert.Equal((present.Count, values.Count() - present.Count, groups.Count), (column.Count, column.Missing, column.Distinct));
        Assert.Equal(kept, column.Counts);
        Assert.Equal(present.Count - kept.Sum(k => k.Count), column.OtherCount);
    }
}
