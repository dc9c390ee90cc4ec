using System.Diagnostics;
using System.Security.Cryptography;
using Gyre.Core.Data;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Learning.MlNet;
using Gyre.Learning.Predictors;
using Gyre.Storage.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gyre.Bench;

/// <summary>
/// Batch scoring with a LightGBM model on 20 features: <c>gyre predict</c>'s scorer (DuckDB reads
/// the CSV, ML.NET scores, DuckDB writes the rows with their predictions as Parquet) beside bare
/// ML.NET on the same file (a TextLoader, <c>Transform</c>, and a cursor reading every
/// probability), alternating in each of three rounds.
/// </summary>
internal static class ScoreBenchmark
{
    private const int TrainRows = 100_000;
    private const int ScoreRows = 1_000_000;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-score-").FullName;
        try
        {
            var features = Enumerable.Range(0, 20).Select(i => $"x{i}").ToList();
            var values = string.Join(", ", features.Select((f, i) => $"random() * {i + 1} AS {f}"));
            var train = Path.Combine(folder, "train.csv");
            GeneratedCsv.Write(train, 0.3, $"SELECT CASE WHEN x0 + x1 / 2 + random() > 1.5 THEN 'true' ELSE 'false' END AS label, * FROM (SELECT {values} FROM range({TrainRows}))");
            var input = Path.Combine(folder, "input.csv");
            GeneratedCsv.Write(input, 0.4, $"SELECT {values} FROM range({ScoreRows})");

            var columns = features.Select(f => new TrainingColumn(f, false)).ToList();
            var trained = await new MlNetTrainer().TrainAsync(
                new TrainingData(train, train, ModelTasks.Binary, "label", columns, ["false", "true"], Trainers.LightGbm, new Dictionary<string, double>(), 0), CancellationToken.None);
            var package = new ModelPackage(ModelPackage.CurrentFormat, ModelPackage.MlNet, "model.zip", "sha256:" + Convert.ToHexStringLower(SHA256.HashData(trained.Model)),
                new ModelSignature([.. features.Select(f => new TensorSpec(f, TensorDataTypes.Fp32, [-1, 1]))], [new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, 1])]),
                ModelTasks.Binary, null, features, "prediction", ModelTasks.Probability, ["false", "true"], 0, "label");
            Console.WriteLine($"score: {ScoreRows:N0} rows x 20 features, LightGBM (binary), CSV in, Parquet out");

            var scorer = new BatchScorer(new ModelRuntime(), new DuckDbFeatureFiles(folder));
            var output = Path.Combine(folder, "scored.parquet");
            var rates = new List<double>();
            for (var round = 1; round <= 3; round++)
            {
                var stopwatch = Stopwatch.StartNew();
                var sum = Bare(trained.Model, input, features.Count);
                var bare = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                var rows = await scorer.ScoreAsync(package, trained.Model, input, DatasetFormat.Csv, output, DatasetFormat.Parquet, CancellationToken.None);
                var gyre = stopwatch.Elapsed.TotalSeconds;
                rates.Add(bare / gyre);
                Console.WriteLine($"score round {round}: gyre {rows / gyre:N0} rows/s ({gyre:N2} s); bare ML.NET Transform {ScoreRows / bare:N0} rows/s ({bare:N2} s, mean p {sum / ScoreRows:N4}); gyre/bare throughput {bare / gyre:N2}x");
            }
            Console.WriteLine($"score: median throughput ratio {rates.Order().ElementAt(1):N2}x");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What a user of ML.NET writes: load the model, read the CSV, transform, read every probability.</summary>
    private static double Bare(byte[] model, string input, int width)
    {
        var ml = new MLContext(seed: 0);
        using var stream = new MemoryStream(model);
        var transformer = ml.Model.Load(stream, out _);
        var data = ml.Data.LoadFromTextFile(input,
            [.. Enumerable.Range(0, width).Select(i => new TextLoader.Column(MlNetTrainer.Column(i), DataKind.Single, i))], separatorChar: ',', hasHeader: true);
        var scored = transformer.Transform(data);
        var column = scored.Schema["Probability"];
        using var cursor = scored.GetRowCursor([column]);
        var get = cursor.GetGetter<float>(column);
        float p = 0;
        double sum = 0;
        while (cursor.MoveNext())
        {
            get(ref p);
            sum += p;
        }
        return sum;
    }
}
