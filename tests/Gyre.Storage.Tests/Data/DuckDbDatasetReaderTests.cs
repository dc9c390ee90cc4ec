using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Storage.Data;

namespace Gyre.Storage.Tests.Data;

public sealed class DuckDbDatasetReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-reader-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task LargeColumns_UseSketches_WithinTheirPromisedError_AndSaySo()
    {
        // 0 .. Rows-1 in shuffled order: the exact q-quantile is q·(Rows−1) and the distinct count is Rows.
        const int Rows = 150_000;
        var csv = Path.Combine(_folder, "large.csv");
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT setseed(0.5); COPY (SELECT range AS x FROM range({Rows}) ORDER BY random()) TO '{csv}' (HEADER)";
            command.ExecuteNonQuery();
        }
        var file = await new DuckDbDatasetReader(_folder).InspectAsync(csv, DatasetFormat.Csv, ReadOptions.Default, Gyre.Core.Data.Schemas.SchemaCheck.Domains(null), CancellationToken.None);
        var x = Assert.Single(file.Profile.Columns);
        Assert.True(x.DistinctApproximate);
        Assert.True(x.QuantilesApproximate);
        Assert.InRange(x.Distinct, Rows * 0.95, Rows * 1.05);
        foreach (var (key, value) in x.Quantiles!)
        {
            var q = double.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(value - (q * (Rows - 1))) <= 0.01 * Rows, $"quantile {key}: {value} is more than 1 % of the ranks from {q * (Rows - 1)}");
        }
        Assert.Equal(((Rows - 1) / 2.0), x.Mean!.Value, 6);
        Assert.Equal(Rows, x.Histogram!.Sum(b => b.Count));
    }
}
