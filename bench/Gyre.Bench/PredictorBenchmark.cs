using System.Diagnostics;
using System.Security.Cryptography;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Learning.MlNet;
using Gyre.Learning.Predictors;

namespace Gyre.Bench;

/// <summary>
/// The serving benchmark's model alone: a LightGBM binary classifier on 20 numeric features,
/// trained by Gyre's trainer, asked for one row at a time on one thread, as a request asks. CPU
/// time per prediction on one thread is steadier on a shared machine than a server's throughput.
/// </summary>
internal static class PredictorBenchmark
{
    private const int Predictions = 200_000;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-predictor-").FullName;
        try
        {
            var train = Path.Combine(folder, "train.csv");
            ServeBenchmark.WriteTrainingData(train, "true", "false"); // Gyre's trainer reads a binary label as true/false
            var trained = await new MlNetTrainer().TrainAsync(new TrainingData(train, train, ModelTasks.Binary, "label",
                [.. ServeBenchmark.Features.Select(f => new TrainingColumn(f, false))], ["false", "true"], Trainers.LightGbm, new Dictionary<string, double>(), 0), CancellationToken.None);
            var package = new ModelPackage(1, ModelPackage.MlNet, "model.zip", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(trained.Model)),
                new ModelSignature([.. ServeBenchmark.Features.Select(f => new TensorSpec(f, TensorDataTypes.Fp32, [-1, 1]))], [new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, 1])]),
                ModelTasks.Binary, null, ServeBenchmark.Features, "prediction", ModelTasks.Probability, ["false", "true"], 0, "label");
            using var predictor = new ModelRuntime().Load(package, trained.Model);
            Console.WriteLine($"predictor: the trees are evaluated by {((predictor as MlNetPredictor)?.IsCompiled == true ? "Gyre's compiled evaluator" : "ML.NET")}");
            var rows = Enumerable.Range(0, 1000).Select(r => new FeatureBatch(1,
                [.. ServeBenchmark.Features.Select((f, i) => new FeatureColumn(f, [(r * 7919 + i * 104729) % 1000 / 1000.0 * (i + 1)], null))])).ToArray();
            for (var round = 1; round <= 3; round++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var sum = 0.0;
                for (var i = 0; i < Predictions; i++)
                {
                    sum += predictor.Predict(rows[i % rows.Length])[0][0];
                }
                var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                Console.WriteLine($"predictor round {round}: {clock.Elapsed.TotalMicroseconds / Predictions:0.00} us/prediction wall, {spent.TotalMicroseconds / Predictions:0.00} us CPU (mean probability {sum / Predictions:0.0000})");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
