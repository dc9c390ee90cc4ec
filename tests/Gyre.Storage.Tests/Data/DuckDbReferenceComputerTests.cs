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
}
