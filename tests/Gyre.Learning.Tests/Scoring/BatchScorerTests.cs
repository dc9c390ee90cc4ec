using System.Security.Cryptography;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Learning.Onnx;
using Gyre.Learning.Predictors;
using Gyre.Storage.Data;

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
        var rows = await new BatchScorer(new ModelRuntime(), new DuckDbFeatureFiles(_folder)).ScoreAsync(package, model, Path.Combine(Fixtures, "wine_mlp.csv"), DatasetFormat.Csv, output,
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
            new BatchScorer(new ModelRuntime(), new DuckDbFeatureFiles(_folder)).ScoreAsync(package, model, input, DatasetFormat.Csv, Path.Combine(_folder, "out.csv"), DatasetFormat.Csv, CancellationToken.None));
        Assert.StartsWith("input: 'mean_perimeter', 'mean_area'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "out.csv")));
    }

    [Fact]
    public async Task MlNetScores_AreTheSame_FromCsvInAnyColumnOrder_AndFromParquet()
    {
        var train = Path.Combine(_folder, "train.csv");
        var rows = Enumerable.Range(0, 400).Select(i => (X: i % 17 / 17.0, Kind: i % 3 == 0 ? "a" : "b", Y: (i % 17 / 17.0) + (i % 3 == 0 ? 0.3 : 0) > 0.6)).ToList();
        await File.WriteAllLinesAsync(train, ["label,x,kind", .. rows.Select(r => $"{(r.Y ? "true" : "false")},{r.X.ToString(System.Globalization.CultureInfo.InvariantCulture)},{r.Kind}")]);
        var trained = await new Gyre.Learning.MlNet.MlNetTrainer().TrainAsync(new Core.Learning.Training.TrainingData(train, train, ModelTasks.Binary, "y",
            [new("x", false), new("kind", true)], ["false", "true"], Core.Learning.Training.Trainers.LightGbm, new Dictionary<string, double>(), 0), CancellationToken.None);
        var package = new ModelPackage(1, ModelPackage.MlNet, "model.zip", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(trained.Model)),
            new ModelSignature([new TensorSpec("x", TensorDataTypes.Fp32, [-1, 1]), new TensorSpec("kind", TensorDataTypes.Bytes, [-1, 1])], [new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, 1])]),
            ModelTasks.Binary, null, ["x", "kind"], "prediction", ModelTasks.Probability, ["false", "true"], 0, "y");

        // The input has its columns in another order, with one the model does not use.
        var input = Path.Combine(_folder, "input.csv");
        await File.WriteAllLinesAsync(input, ["id,KIND,x", .. rows.Select((r, i) => $"{i},{r.Kind},{r.X.ToString(System.Globalization.CultureInfo.InvariantCulture)}")]);
        var parquet = Path.Combine(_folder, "input.parquet");
        Read(input, "COPY (SELECT * FROM read_csv('FILE')) TO '" + parquet + "' (FORMAT parquet)");
        var scorer = new BatchScorer(new ModelRuntime(), new DuckDbFeatureFiles(_folder));
        await scorer.ScoreAsync(package, trained.Model, input, DatasetFormat.Csv, Path.Combine(_folder, "from-csv.csv"), DatasetFormat.Csv, CancellationToken.None);
        await scorer.ScoreAsync(package, trained.Model, parquet, DatasetFormat.Parquet, Path.Combine(_folder, "from-parquet.csv"), DatasetFormat.Csv, CancellationToken.None);
        var fromCsv = Read(Path.Combine(_folder, "from-csv.csv"), "SELECT id, probability FROM read_csv('FILE')");
        var fromParquet = Read(Path.Combine(_folder, "from-parquet.csv"), "SELECT id, probability FROM read_csv('FILE')");
        Assert.Equal(400, fromCsv.Count);
        Assert.Equal(fromParquet.Select(r => (r[0], r[1])), fromCsv.Select(r => (r[0], r[1])));
        // The training's own test predictions, for the same rows in the same order.
        Assert.Equal(trained.TestPredictions.Select(p => Math.Round(p[0], 5)), fromCsv.Select(r => Math.Round(r[1], 5)));
    }
}
