using System.Globalization;
using System.Security.Cryptography;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Learning.MlNet;
using Gyre.Learning.Predictors;

namespace Gyre.Learning.Tests.Predictors;

public sealed class CompiledTreeModelTests : IDisposable
{
    private static readonly string[] Numeric = ["a", "b", "c"];

    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-compiled-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Rows of three numbers on different scales, some missing (empty in the file), and the label of the task.</summary>
    private static List<(double?[] X, string Label)> Rows(string task) => [.. Enumerable.Range(0, 600).Select(i =>
    {
        double?[] x = [i % 37 / 37.0, 100 + i % 41 * 2.5, -50 + i % 13 * 7.0];
        if (i % 11 == 0)
        {
            x[i % 3] = null;
        }
        var y = (x[0] ?? 0.5) * 10 + (x[1] ?? 150) / 10 + (x[2] ?? 0) / 20;
        return (x, task == ModelTasks.Binary ? (y > 17 ? "true" : "false") : y.ToString(CultureInfo.InvariantCulture));
    })];

    private async Task<(IPredictor Predictor, TrainedModel Trained, List<(double?[] X, string Label)> Rows)> TrainAsync(string task, string trainer, bool withText = false)
    {
        var rows = Rows(task);
        var file = Path.Combine(_folder, $"{task}-{trainer}.csv");
        var names = withText ? [.. Numeric, "kind"] : Numeric;
        await File.WriteAllLinesAsync(file, [$"label,{string.Join(',', names)}", .. rows.Select((r, i) =>
            string.Join(',', [r.Label, .. r.X.Select(v => v?.ToString(CultureInfo.InvariantCulture) ?? ""), .. withText ? [i % 2 == 0 ? "p" : "q"] : Array.Empty<string>()]))]);
        IReadOnlyList<string>? classes = task == ModelTasks.Binary ? ["false", "true"] : null;
        var trained = await new MlNetTrainer().TrainAsync(new TrainingData(file, file, task, "label",
            [.. names.Select(n => new TrainingColumn(n, n == "kind"))], classes, trainer, new Dictionary<string, double> { ["min_data_per_leaf"] = 5 }, 0), CancellationToken.None);
        var package = new ModelPackage(1, ModelPackage.MlNet, "model.zip", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(trained.Model)),
            new ModelSignature([.. names.Select(n => new TensorSpec(n, n == "kind" ? TensorDataTypes.Bytes : TensorDataTypes.Fp32, [-1, 1]))], [new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, 1])]),
            task, null, names, "prediction", task == ModelTasks.Binary ? ModelTasks.Probability : ModelTasks.Value, classes, 0, "label");
        return (new ModelRuntime().Load(package, trained.Model), trained, rows);
    }

    private static FeatureBatch Batch(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return new FeatureBatch(list.Count, [.. Numeric.Select((n, i) => new FeatureColumn(n, [.. list.Select(r => r[i])], null))]);
    }

    [Theory]
    [InlineData(ModelTasks.Binary, Trainers.LightGbm)]
    [InlineData(ModelTasks.Binary, Trainers.FastTree)]
    [InlineData(ModelTasks.Regression, Trainers.LightGbm)]
    [InlineData(ModelTasks.Regression, Trainers.FastTree)]
    public async Task ANumericTreeModel_IsCompiled_AndPredictsBitForBitAsMlNetScoredTheFile(string task, string trainer)
    {
        var (predictor, trained, rows) = await TrainAsync(task, trainer);
        using (predictor)
        {
            Assert.True(((MlNetPredictor)predictor).IsCompiled);
            // The trainer scored the same file through ML.NET's own pipeline, missing values included.
            var predictions = predictor.Predict(Batch(rows.Select(r => r.X.Select(v => v ?? double.NaN).ToArray())));
            Assert.Equal(rows.Count, predictions.Length);
            for (var r = 0; r < rows.Count; r++)
            {
                Assert.Equal(trained.TestPredictions[r][0], Assert.Single(predictions[r]));
            }
            Assert.True(predictions.Select(p => p[0]).Distinct().Count() > 5, "the model should not be constant");
        }
    }

    [Fact]
    public async Task AModelWithATextColumn_IsLeftToMlNet_AndStillPredictsAsTrained()
    {
        var (predictor, trained, rows) = await TrainAsync(ModelTasks.Binary, Trainers.LightGbm, withText: true);
        using (predictor)
        {
            Assert.False(((MlNetPredictor)predictor).IsCompiled);
            var batch = new FeatureBatch(rows.Count, [.. Numeric.Select((n, i) => new FeatureColumn(n, [.. rows.Select(r => r.X[i] ?? double.NaN)], null)),
                new FeatureColumn("kind", null, [.. rows.Select((_, r) => r % 2 == 0 ? "p" : "q")])]);
            var predictions = predictor.Predict(batch);
            Assert.All(Enumerable.Range(0, rows.Count), r => Assert.Equal(trained.TestPredictions[r][0], predictions[r][0], 1e-6));
        }
    }
}
