using System.Diagnostics;
using Gyre.Core.Data;
using Gyre.Core.Data.Splits;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Core.Registry;
using Gyre.Learning.MlNet;
using Gyre.Learning.Predictors;
using Gyre.Storage;

namespace Gyre.Bench;

/// <summary>
/// Training overhead: a Gyre training (checks, export of the train and test parts from the
/// dataset store, ML.NET, evaluation, recording the run and its package) beside the bare ML.NET
/// part of it (load the same CSV files, the same pipeline, fit LightGBM, score the test part, save
/// the model), on the same 200,000-row × 20-feature binary dataset, alternating in each of five rounds.
/// </summary>
internal static class TrainBenchmark
{
    private const int Rows = 200_000;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-train-").FullName;
        try
        {
            var csv = Path.Combine(folder, "churn.csv");
            Generate(csv);
            using var storage = await GyreStorage.OpenAsync(new GyreHome(Path.Combine(folder, "home")));
            var ingest = new DatasetIngest(storage.Datasets, storage.DatasetObjects, storage.DatasetReader);
            await using (var content = File.OpenRead(csv))
            {
                await ingest.AddAsync("churn", content, DatasetFormat.Csv, null, long.MaxValue, ReadOptions.Default, CancellationToken.None);
            }
            var splitting = new DatasetSplitting(storage.Datasets, storage.DatasetObjects, storage.DatasetSplitter, ingest);
            await splitting.SplitAsync("churn", 1, new SplitSpec("random", 0.2, 0), CancellationToken.None);
            var registration = new ModelVersionRegistration(storage.Tracking, storage.Registry, storage.Artifacts);
            var trainer = new MlNetTrainer();
            var training = new ModelTraining(storage.Datasets, storage.DatasetObjects, splitting, storage.DatasetSplitter, storage.DatasetExporter, trainer,
                new BatchScorer(new ModelRuntime(), storage.FeatureFiles), storage.Tracking, storage.Artifacts, registration, storage.Registry, storage.Scratch, TimeProvider.System);

            // The bare ML.NET side reads the same parts, exported once outside the timing.
            var train = await storage.Datasets.GetVersionAsync("churn.train", 1, CancellationToken.None);
            var test = await storage.Datasets.GetVersionAsync("churn.test", 1, CancellationToken.None);
            var features = train.Columns.Where(c => c.Name != "churned").Select(c => new TrainingColumn(c.Name, c.Type == ColumnType.Categorical)).ToList();
            var names = features.Select(f => f.Name).ToList();
            var trainCsv = Path.Combine(folder, "train.csv");
            var testCsv = Path.Combine(folder, "test.csv");
            await storage.DatasetExporter.ExportAsync(await storage.DatasetObjects.LocalPathAsync(train.Digest, train.Format, CancellationToken.None), train, "churned", ["false", "true"], names, trainCsv, CancellationToken.None);
            await storage.DatasetExporter.ExportAsync(await storage.DatasetObjects.LocalPathAsync(test.Digest, test.Format, CancellationToken.None), test, "churned", ["false", "true"], names, testCsv, CancellationToken.None);
            var bare = new TrainingData(trainCsv, testCsv, "binary", "churned", features, ["false", "true"], Trainers.LightGbm, new Dictionary<string, double>(), 0);
            Console.WriteLine($"train: {Rows:N0} rows x 20 features (160,000 train, 40,000 test), LightGBM, binary");

            await trainer.TrainAsync(bare, CancellationToken.None);
            var ratios = new List<double>();
            for (var round = 1; round <= 5; round++)
            {
                var stopwatch = Stopwatch.StartNew();
                await trainer.TrainAsync(bare, CancellationToken.None);
                var baseline = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                var result = await training.TrainAsync(new TrainingRequest("churn.train", 1, "binary", "churned"), CancellationToken.None);
                var gyre = stopwatch.Elapsed.TotalSeconds;
                ratios.Add(gyre / baseline);
                Console.WriteLine($"train round {round}: gyre training {gyre:N2} s (test AUC {result.Binary!.Auc:N4}); bare ML.NET {baseline:N2} s; ratio {gyre / baseline:N2}x");
            }
            Console.WriteLine($"train: median ratio {ratios.Order().ElementAt(2):N2}x");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>16 numeric features (some missing), 4 categorical ones, and a label that depends on a few of them.</summary>
    private static void Generate(string path)
    {
        var numeric = string.Join(", ", Enumerable.Range(0, 16).Select(i => $"CASE WHEN random() < 0.02 THEN NULL ELSE random() * {i + 1} END AS x{i}"));
        var categorical = string.Join(", ", Enumerable.Range(0, 4).Select(i => $"'k' || CAST(floor(random() * {(i + 2) * 3}) AS INT) AS c{i}"));
        GeneratedCsv.Write(path, 0.7,
            $"SELECT *, (coalesce(x0, 0.5) + coalesce(x1, 1) / 2 + (CASE WHEN c0 = 'k1' THEN 0.3 ELSE 0 END) + random() * 0.5 > 1.4) AS churned FROM (SELECT {numeric}, {categorical} FROM range({Rows}))");
    }
}
