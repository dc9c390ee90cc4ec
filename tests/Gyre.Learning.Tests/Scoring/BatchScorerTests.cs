using System.Security.Cryptography;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Models;
using Gyre.Learning.Onnx;
using Gyre.Learning.Scoring;

namespace Gyre.Learning.Tests.Scoring;

public sealed class BatchScorerTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-scorer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (ModelPackage Package, byte[] Model) Package(string file, string task, int width, IReadOnlyList<string>? classes)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, file));
        using var model = OnnxModel.Load(bytes);
        var features = File.ReadLines(Path.Combine(Fixtures, Path.ChangeExtension(file, ".csv"))).First().Split(',')[..width];
        var package = ModelPackages.Build(ModelPackage.Onnx, "model.onnx", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), model.Signature,
            new ImportOptions(task, FeatureColumns: features, Classes: classes), 0);
        return (package, bytes);
    }

    private static List<double[]> Read(string path, string select)
    {
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = select.Replace("FILE", path, StringComparison.Ordinal);
        using var reader = command.ExecuteReader();
        var rows = new List<double[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetDouble)]);
        }
        return rows;
    }

    [Theory]
    [InlineData(".csv")]
    [InlineData(".parquet")]
    public async Task OnnxScores_AreTheReferenceOutputs_BesideTheInputRows(string extension)
    {
        var (package, model) = Package("wine_mlp.onnx", "multiclass", 13, ["c0", "c1", "c2"]);
        var output = Path.Combine(_folder, "scored" + extension);
        var rows = await new BatchScorer(_folder).ScoreAsync(package, model, Path.Combine(Fixtures, "wine_mlp.csv"), DatasetFormat.Csv, output,
            extension == ".csv" ? DatasetFormat.Csv : DatasetFormat.Parquet, CancellationToken.None);
        Assert.Equal(54, rows);
        var reader = extension == ".csv" ? "read_csv('FILE')" : "read_parquet('FILE')";
        var scored = Read(output, $"SELECT ref_score_0, ref_score_1, ref_score_2, probability_c0, probability_c1, probability_c2 FROM {reader}");
        Assert.Equal(54, scored.Count);
        Assert.All(scored, r => Assert.True(Enumerable.Range(0, 3).All(k => Math.Abs(r[k] - r[k + 3]) <= 1e-5), string.Join(", ", r)));
        // The predicted label is the most probable class, and the input's own columns come first.
        var labels = Read(output, $"SELECT label, CAST(substr(predicted_label, 2) AS DOUBLE) FROM {reader}");
        Assert.Equal(1.0, labels.Count(r => r[0] == r[1]) / (double)labels.Count);
    }

    [Fact]
    public async Task MissingFeatureColumns_AreNamed()
    {
        var (package, model) = Package("breast_cancer_mlp.onnx", "binary", 30, null);
        var input = Path.Combine(_folder, "partial.csv");
        await File.WriteAllTextAsync(input, "mean_radius,mean_texture\n1,2\n");
        var error = await Assert.ThrowsAsync<GyreException>(() =>
            new BatchScorer(_folder).ScoreAsync(package, model, input, DatasetFormat.Csv, Path.Combine(_folder, "out.csv"), DatasetFormat.Csv, CancellationToken.None));
        Assert.StartsWith("input: 'mean_perimeter', 'mean_area'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "out.csv")));
    }
}
