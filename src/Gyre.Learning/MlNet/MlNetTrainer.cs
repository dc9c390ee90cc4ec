using System.Diagnostics;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Gyre.Learning.MlNet;

/// <summary>
/// Trains with ML.NET. Featurisation follows the schema: numeric columns get their missing values
/// replaced by the mean with an indicator column beside them, categorical and boolean ones are
/// one-hot encoded (hashed into 2^HashBits slots above ModelTraining.OneHotMaxDistinct values), and linear trainers see min-max normalised features. The label column of the
/// files holds class indices (binary: "true" for the positive class).
/// </summary>
public sealed class MlNetTrainer : ITrainer
{
    public Task<TrainedModel> TrainAsync(TrainingData data, CancellationToken ct) => Task.Run(() => Train(data, ct), ct);

    /// <summary>Hashed categorical columns get 4096 slots: few collisions for thousands of values, and still sparse.</summary>
    public const int HashBits = 12;

    private static TrainedModel Train(TrainingData data, CancellationToken ct)
    {
        var ml = new MLContext(seed: data.Seed);
        var loader = CsvLoader(ml, Columns(data));
        var train = loader.Load(data.TrainPath);
        var test = loader.Load(data.TestPath);

        if (data.Task == ModelTasks.Multiclass)
        {
            // Class indices become keys outside the saved model, so that scoring needs no label column.
            var keys = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);
            train = keys.Transform(train);
            test = keys.Transform(test);
        }
        var stopwatch = Stopwatch.StartNew();
        ct.ThrowIfCancellationRequested();
        var model = Featurize(ml, data).Append(TrainerFor(ml, data)).Fit(train);
        var elapsed = stopwatch.Elapsed;
        ct.ThrowIfCancellationRequested();

        var scored = model.Transform(test);
        var (labels, predictions) = Read(scored, data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, train.Schema, stream);
        return new TrainedModel(stream.ToArray(), labels, predictions, elapsed);
    }

    private static TextLoader.Column[] Columns(TrainingData data)
    {
        var labelKind = data.Task == ModelTasks.Binary ? DataKind.Boolean : DataKind.Single;
        return [
            new TextLoader.Column("Label", labelKind, 0),
            .. data.Features.Select((f, i) => new TextLoader.Column(Column(i), f.Categorical ? DataKind.String : DataKind.Single, i + 1)),
        ];
    }

    /// <summary>
    /// The loader for the CSV files Gyre writes: an empty number is missing (NaN), as in serving,
    /// so that the imputation learned in training is what fills it everywhere; ML.NET's default
    /// would read it as 0.
    /// </summary>
    internal static TextLoader CsvLoader(MLContext ml, TextLoader.Column[] columns) => ml.Data.CreateTextLoader(new TextLoader.Options
    {
        Columns = columns,
        Separators = [','],
        HasHeader = true,
        AllowQuoting = true,
        MissingRealsAsNaNs = true,
    });

    /// <summary>Features by position: the files' headers carry the users' names, which need not be valid ML.NET column names.</summary>
    internal static string Column(int index) => $"f{index}";

    private static IEstimator<ITransformer> Featurize(MLContext ml, TrainingData data)
    {
        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
        var parts = new List<string>();
        for (var i = 0; i < data.Features.Count; i++)
        {
            var name = Column(i);
            if (data.Features[i].Hashed)
            {
                pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotHashEncoding(name, numberOfBits: HashBits));
                parts.Add(name);
            }
            else if (data.Features[i].Categorical)
            {
                pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(name));
                parts.Add(name);
            }
            else
            {
                pipeline = pipeline
                    .Append(ml.Transforms.IndicateMissingValues(name + "_missing", name))
                    .Append(ml.Transforms.Conversion.ConvertType(name + "_missing", outputKind: DataKind.Single))
                    .Append(ml.Transforms.ReplaceMissingValues(name, replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean));
                parts.Add(name);
                parts.Add(name + "_missing");
            }
        }
        pipeline = pipeline.Append(ml.Transforms.Concatenate("Features", [.. parts]));
        return data.Trainer == Trainers.Linear ? pipeline.Append(ml.Transforms.NormalizeMinMax("Features")) : pipeline;
    }

    private static IEstimator<ITransformer> TrainerFor(MLContext ml, TrainingData data)
    {
        var h = data.Hyperparameters;
        int? Int(string name) => h.TryGetValue(name, out var v) ? (int)v : null;
        double? Real(string name) => h.TryGetValue(name, out var v) ? v : null;
        float? Single(string name) => h.TryGetValue(name, out var v) ? (float)v : null;
        var leaves = Int("num_leaves");
        var perLeaf = Int("min_data_per_leaf");
        var rate = Real("learning_rate");
        return (data.Task, data.Trainer) switch
        {
            (ModelTasks.Binary, Trainers.LightGbm) => ml.BinaryClassification.Trainers.LightGbm(numberOfLeaves: leaves, minimumExampleCountPerLeaf: perLeaf, learningRate: rate, numberOfIterations: Int("num_iterations") ?? 100),
            (ModelTasks.Binary, Trainers.FastTree) => ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: leaves ?? 20, numberOfTrees: Int("num_trees") ?? 100, minimumExampleCountPerLeaf: perLeaf ?? 10, learningRate: rate ?? 0.2),
            (ModelTasks.Binary, _) => ml.BinaryClassification.Trainers.SdcaLogisticRegression(l2Regularization: Single("l2_regularization"), l1Regularization: Single("l1_regularization"), maximumNumberOfIterations: Int("max_iterations")),
            (ModelTasks.Multiclass, Trainers.LightGbm) => ml.MulticlassClassification.Trainers.LightGbm(numberOfLeaves: leaves, minimumExampleCountPerLeaf: perLeaf, learningRate: rate, numberOfIterations: Int("num_iterations") ?? 100),
            (ModelTasks.Multiclass, Trainers.FastTree) => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: leaves ?? 20, numberOfTrees: Int("num_trees") ?? 100, minimumExampleCountPerLeaf: perLeaf ?? 10, learningRate: rate ?? 0.2)),
            (ModelTasks.Multiclass, _) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(l2Regularization: Single("l2_regularization"), l1Regularization: Single("l1_regularization"), maximumNumberOfIterations: Int("max_iterations")),
            (_, Trainers.LightGbm) => ml.Regression.Trainers.LightGbm(numberOfLeaves: leaves, minimumExampleCountPerLeaf: perLeaf, learningRate: rate, numberOfIterations: Int("num_iterations") ?? 100),
            (_, Trainers.FastTree) => ml.Regression.Trainers.FastTree(numberOfLeaves: leaves ?? 20, numberOfTrees: Int("num_trees") ?? 100, minimumExampleCountPerLeaf: perLeaf ?? 10, learningRate: rate ?? 0.2),
            _ => ml.Regression.Trainers.Sdca(l2Regularization: Single("l2_regularization"), l1Regularization: Single("l1_regularization"), maximumNumberOfIterations: Int("max_iterations")),
        };
    }

    /// <summary>The test labels and predictions in file order: P(positive), the class probabilities (rows renormalised), or the value.</summary>
    private static (List<double> Labels, List<IReadOnlyList<double>> Predictions) Read(IDataView scored, TrainingData data)
    {
        var labels = new List<double>();
        var predictions = new List<IReadOnlyList<double>>();
        var label = scored.Schema["Label"];
        var output = scored.Schema[data.Task == ModelTasks.Binary ? "Probability" : "Score"];
        using var cursor = scored.GetRowCursor([label, output]);
        if (data.Task == ModelTasks.Binary)
        {
            var getLabel = cursor.GetGetter<bool>(label);
            var getProbability = cursor.GetGetter<float>(output);
            var y = false;
            float p = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref y);
                getProbability(ref p);
                labels.Add(y ? 1 : 0);
                predictions.Add([Math.Clamp(p, 0.0, 1.0)]);
            }
        }
        else if (data.Task == ModelTasks.Multiclass)
        {
            var getLabel = cursor.GetGetter<uint>(label);
            var getScore = cursor.GetGetter<VBuffer<float>>(output);
            uint key = 0;
            VBuffer<float> score = default;
            while (cursor.MoveNext())
            {
                getLabel(ref key);
                getScore(ref score);
                var values = score.DenseValues().Select(v => (double)Math.Max(v, 0)).ToArray();
                var sum = values.Sum();
                labels.Add(key - 1.0);
                predictions.Add(sum > 0 ? values.Select(v => v / sum).ToArray() : values);
            }
        }
        else
        {
            var getLabel = cursor.GetGetter<float>(label);
            var getScore = cursor.GetGetter<float>(output);
            float y = 0, s = 0;
            while (cursor.MoveNext())
            {
                getLabel(ref y);
                getScore(ref s);
                labels.Add(y);
                predictions.Add([s]);
            }
        }
        return (labels, predictions);
    }
}
