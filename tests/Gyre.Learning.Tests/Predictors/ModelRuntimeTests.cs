using System.Globalization;
using System.Security.Cryptography;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Learning.MlNet;
using Gyre.Learning.Onnx;
using Gyre.Learning.Predictors;

namespace Gyre.Learning.Tests.Predictors;

public sealed class ModelRuntimeTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-runtime-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Sha(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static (string[] Header, List<double[]> Rows) Csv(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Fixtures, file));
        return (lines[0].Split(','), [.. lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())]);
    }

    private static FeatureBatch Batch(IReadOnlyList<string> columns, List<double[]> rows) =>
        new(rows.Count, [.. columns.Select((c, j) => new FeatureColumn(c, [.. rows.Select(r => r[j])], null))]);

    [Fact]
    public void OnnxPredictions_AreTheReferenceOutputs_FromManyThreads()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, "wine_mlp.onnx"));
        var (header, rows) = Csv("wine_mlp.csv");
        using var inspected = OnnxModel.Load(bytes);
        var package = ModelPackages.Build(ModelPackage.Onnx, "model.onnx", Sha(bytes), inspected.Signature,
            new ImportOptions("multiclass", FeatureColumns: header[..13], OutputMeaning: ModelTasks.Score), 0);
        using var predictor = new ModelRuntime().Load(package, bytes);
        var reference = header.Select((h, i) => (h, i)).Where(p => p.h.StartsWith("ref_score_", StringComparison.Ordinal)).Select(p => p.i).ToArray();

        // One row per call, from four threads at once: the session is shared.
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r =>
        {
            var prediction = predictor.Predict(Batch(header[..13], [rows[r]])).Single();
            Assert.Equal(3, prediction.Length);
            Assert.All(Enumerable.Range(0, 3), k => Assert.Equal(rows[r][reference[k]], prediction[k], 1e-5));
        });
        // And all rows in one batch.
        var all = predictor.Predict(Batch(header[..13], rows));
        Assert.Equal(rows.Count, all.Length);
        Assert.Equal(rows[^1][reference[2]], all[^1][2], 1e-5);
    }

    [Fact]
    public void AMissingValue_ForAnOnnxModel_NamesTheColumn()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, "diabetes_mlp.onnx"));
        var (header, rows) = Csv("diabetes_mlp.csv");
        using var inspected = OnnxModel.Load(bytes);
        var package = ModelPackages.Build(ModelPackage.Onnx, "model.onnx", Sha(bytes), inspected.Signature, new ImportOptions("regression", FeatureColumns: header[..10]), 0);
        using var predictor = new ModelRuntime().Load(package, bytes);
        rows[0][2] = double.NaN;
        var error = Assert.Throws<GyreException>(() => predictor.Predict(Batch(header[..10], rows.Take(1).ToList())));
        Assert.Equal($"{header[2]}: row 0 has no value; an ONNX model needs every feature", error.Message);
    }

    private async Task<(ModelPackage Package, TrainedModel Trained, List<(double X, string Kind)> Rows)> TrainMlNetAsync(string task)
    {
        var train = Path.Combine(_folder, task + ".csv");
        var rows = Enumerable.Range(0, 300).Select(i => (X: i % 17 / 17.0, Kind: (i % 3) switch { 0 => "a", 1 => "b", _ => "c" })).ToList();
        string Label((double X, string Kind) r) => task switch
        {
            ModelTasks.Binary => r.X + (r.Kind == "a" ? 0.3 : 0) > 0.6 ? "true" : "false",
            ModelTasks.Multiclass => r.X < 0.3 ? "0" : r.Kind == "b" ? "1" : "2",
            _ => (r.X * 10 + (r.Kind == "c" ? 5 : 0)).ToString(CultureInfo.InvariantCulture),
        };
        await File.WriteAllLinesAsync(train, ["label,x,kind", .. rows.Select(r => $"{Label(r)},{r.X.ToString(CultureInfo.InvariantCulture)},{r.Kind}")]);
        IReadOnlyList<string>? classes = task switch { ModelTasks.Binary => ["false", "true"], ModelTasks.Multiclass => ["0", "1", "2"], _ => null };
        var trained = await new MlNetTrainer().TrainAsync(new TrainingData(train, train, task, "y", [new("x", false), new("kind", true)], classes,
            Trainers.LightGbm, new Dictionary<string, double> { ["min_data_per_leaf"] = 5 }, 0), CancellationToken.None);
        var width = task == ModelTasks.Multiclass ? 3 : 1;
        var meaning = task switch { ModelTasks.Binary => ModelTasks.Probability, ModelTasks.Multiclass => ModelTasks.Probabilities, _ => ModelTasks.Value };
        var package = new ModelPackage(1, ModelPackage.MlNet, "model.zip", Sha(trained.Model),
            new ModelSignature([new TensorSpec("x", TensorDataTypes.Fp32, [-1, 1]), new TensorSpec("kind", TensorDataTypes.Bytes, [-1, 1])], [new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, width])]),
            task, null, ["x", "kind"], "prediction", meaning, classes, 0, "y");
        return (package, trained, rows);
    }

    [Theory]
    [InlineData(ModelTasks.Binary)]
    [InlineData(ModelTasks.Multiclass)]
    [InlineData(ModelTasks.Regression)]
    public async Task MlNetPredictions_RowByRowFromManyThreads_AreTheTrainersOwn(string task)
    {
        var (package, trained, rows) = await TrainMlNetAsync(task);
        using var predictor = new ModelRuntime().Load(package, trained.Model);
        FeatureBatch One(int r) => new(1, [new FeatureColumn("x", [rows[r].X], null), new FeatureColumn("kind", null, [rows[r].Kind])]);

        var predictions = new double[rows.Count][];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, r => predictions[r] = predictor.Predict(One(r)).Single());
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.Equal(trained.TestPredictions[r].Count, predictions[r].Length);
            Assert.All(Enumerable.Range(0, predictions[r].Length), k => Assert.Equal(trained.TestPredictions[r][k], predictions[r][k], 1e-5));
        }
    }

    [Fact]
    public async Task AMissingNumber_IsImputedWithItsOwnColumnsTrainingMean()
    {
        // Three numeric columns on different scales and a categorical one, none missing in training:
        // a missing value must predict as its own column's mean would, never another column's.
        var train = Path.Combine(_folder, "means.csv");
        var rows = Enumerable.Range(0, 400).Select(i => (A: i % 37 / 37.0, B: 100 + i % 41 * 2.5, C: -50 + i % 13 * 7.0, Kind: i % 2 == 0 ? "p" : "q")).ToList();
        await File.WriteAllLinesAsync(train, ["label,a,b,c,kind", .. rows.Select(r =>
            string.Create(CultureInfo.InvariantCulture, $"{r.A * 10 + r.B / 10 + r.C / 20 + (r.Kind == "p" ? 1 : 0)},{r.A},{r.B},{r.C},{r.Kind}"))]);
        var trained = await new MlNetTrainer().TrainAsync(new TrainingData(train, train, ModelTasks.Regression, "y",
            [new("a", false), new("b", false), new("c", false), new("kind", true)], null, Trainers.LightGbm,
            new Dictionary<string, double> { ["min_data_per_leaf"] = 5 }, 0), CancellationToken.None);
        string[] names = ["a", "b", "c", "kind"];
        var package = new ModelPackage(1, ModelPackage.MlNet, "model.zip", Sha(trained.Model),
            new ModelSignature([.. names.Select(n => new TensorSpec(n, n == "kind" ? TensorDataTypes.Bytes : TensorDataTypes.Fp32, [-1, 1]))],
                [new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, 1])]),
            ModelTasks.Regression, null, names, "prediction", ModelTasks.Value, null, 0, "y");
        using var predictor = new ModelRuntime().Load(package, trained.Model);
        // ML.NET reads the file as single precision and takes the mean of those values.
        double Mean(Func<(double A, double B, double C, string Kind), double> column) => (float)rows.Average(r => (double)(float)column(r));
        double Predict(double a, double b, double c) => predictor.Predict(new FeatureBatch(1,
            [new FeatureColumn("a", [a], null), new FeatureColumn("b", [b], null), new FeatureColumn("c", [c], null), new FeatureColumn("kind", null, ["p"])])).Single()[0];

        var (a0, b0, c0) = (rows[5].A, rows[5].B, rows[5].C);
        Assert.Equal(Predict(Mean(r => r.A), b0, c0), Predict(double.NaN, b0, c0), 1e-9);
        Assert.Equal(Predict(a0, Mean(r => r.B), c0), Predict(a0, double.NaN, c0), 1e-9);
        Assert.Equal(Predict(a0, b0, Mean(r => r.C)), Predict(a0, b0, double.NaN), 1e-9);
        // The means differ enough that imputing with another column's would change the answer.
        Assert.NotEqual(Predict(a0, Mean(r => r.A), c0), Predict(a0, double.NaN, c0), 3);
    }

    [Fact]
    public async Task AnMlNetModel_ThatDoesNotReadTheManifestsColumns_IsRefused()
    {
        var (package, trained, _) = await TrainMlNetAsync(ModelTasks.Binary);
        // The manifest says kind is a number; the model reads it as text.
        var wrong = package with { Signature = package.Signature with { Inputs = [package.Signature.Inputs[0], new TensorSpec("kind", TensorDataTypes.Fp32, [-1, 1])] } };
        var error = Assert.Throws<GyreException>(() => new ModelRuntime().Load(wrong, trained.Model));
        Assert.Contains("input 'kind' is FP32 in the manifest, but the model's column f1 is String", error.Message, StringComparison.Ordinal);

        var three = package with { FeatureColumns = ["x"], Signature = package.Signature with { Inputs = [package.Signature.Inputs[0]] } };
        Assert.Contains("the manifest names 1 feature columns, the model reads 2", Assert.Throws<GyreException>(() => new ModelRuntime().Load(three, trained.Model)).Message, StringComparison.Ordinal);

        var garbage = "not a zip"u8.ToArray();
        var notModel = Assert.Throws<GyreException>(() => new ModelRuntime().Load(package with { Sha256 = Sha(garbage) }, garbage));
        Assert.StartsWith("model: model.zip is not an ML.NET model", notModel.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Conflict, Assert.Throws<GyreException>(() => new ModelRuntime().Load(package with { Sha256 = Sha(garbage) }, trained.Model)).Code);
    }
}
