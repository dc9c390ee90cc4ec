using Gyre.Core.Models;
using Gyre.Learning.MlNet;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Transforms;

namespace Gyre.Learning.Predictors;

/// <summary>
/// A tree model of Gyre's trainer evaluated without ML.NET's row machinery, which costs more per
/// row than the trees themselves. It takes exactly what <see cref="MlNetTrainer"/> builds for
/// numeric columns — each column's missing values replaced by its training mean with an
/// indicator beside it, concatenated, then a LightGBM or FastTree ensemble (binary, with its
/// calibrator, or regression) — and nothing else. <see cref="TryCompile"/> also checks the result
/// against ML.NET itself on probe rows (missing values, infinities, every split's threshold and
/// its neighbours) and gives up, leaving the model to ML.NET, unless every feature and every
/// prediction is bit for bit ML.NET's.
/// </summary>
internal sealed class CompiledTreeModel
{
    private const int ProbeRows = 512;

    private readonly float[] _means;
    private readonly FlatTreeEnsemble _trees;
    private readonly ICalibrator? _calibrator;

    private CompiledTreeModel(float[] means, FlatTreeEnsemble trees, ICalibrator? calibrator)
    {
        _means = means;
        _trees = trees;
        _calibrator = calibrator;
    }

    /// <summary>
    /// The compiled model, or null when the model is not one it takes or does not agree with ML.NET
    /// on the probes; <paramref name="mlNet"/> is ML.NET's own prediction (as the serving path
    /// reports it) for a batch of one row.
    /// </summary>
    public static CompiledTreeModel? TryCompile(ITransformer model, ModelPackage package, IReadOnlyList<ModelInput> inputs, DataViewSchema inputSchema, Func<FeatureBatch, double> mlNet)
    {
        if (package.Task is not (ModelTasks.Binary or ModelTasks.Regression) || inputs.Any(i => i.Text))
        {
            return null;
        }
        var chain = Flatten(model).ToList();
        if (chain.Count == 0 || chain[^1] is not ISingleFeaturePredictionTransformer<object> predictor
            || !chain[..^1].All(t => t is MissingValueIndicatorTransformer or TypeConvertingTransformer or MissingValueReplacingTransformer or ColumnConcatenatingTransformer))
        {
            return null;
        }
        var (ensemble, calibrator) = Parts(predictor.Model);
        if (ensemble is null || (package.Task == ModelTasks.Binary) != (calibrator is not null) || FlatTreeEnsemble.From(ensemble) is not { } trees
            || trees.Features > 2 * inputs.Count)
        {
            return null;
        }
        var features = ((ITransformer)new TransformerChain<ITransformer>([.. chain[..^1]])).GetRowToRowMapper(inputSchema);
        if (features.OutputSchema.GetColumnOrNull(predictor.FeatureColumnName) is not { Type: VectorDataViewType { Size: var size, ItemType: var item } } column
            || size != 2 * inputs.Count || item != NumberDataViewType.Single)
        {
            return null;
        }
        using var reference = new FeatureProbe(features, column, inputs.Count);
        FeatureBatch OneRow(double[] row) => new(1, [.. row.Select((v, i) => new FeatureColumn(inputs[i].Name, [v], null))]);
        var means = reference.Features(OneRow([.. Enumerable.Repeat(double.NaN, inputs.Count)])).Where((_, k) => k % 2 == 0).ToArray();
        if (means.Any(float.IsNaN))
        {
            return null; // a column missing throughout training: ML.NET's trees then have rules of their own for NaN
        }
        var compiled = new CompiledTreeModel(means, trees, calibrator);
        return Probes(ensemble, inputs.Count).Select(OneRow).All(batch =>
            compiled.Features(batch).SequenceEqual(reference.Features(batch)) && compiled.Predict(batch)[0][0].Equals(mlNet(batch)))
            ? compiled : null;
    }

    /// <summary>Every row's prediction: P(positive) for a binary model, the value of a regression.</summary>
    public double[][] Predict(FeatureBatch batch)
    {
        var predictions = new double[batch.Rows][];
        Span<float> features = stackalloc float[2 * _means.Length];
        for (var r = 0; r < batch.Rows; r++)
        {
            for (var i = 0; i < _means.Length; i++)
            {
                Impute((float)batch.Columns[i].Numbers![r], i, features);
            }
            predictions[r] = [Score(features)];
        }
        return predictions;
    }

    /// <summary>The features of a batch's first row, as <see cref="Predict"/> lays them out.</summary>
    private float[] Features(FeatureBatch batch)
    {
        var features = new float[2 * _means.Length];
        for (var i = 0; i < _means.Length; i++)
        {
            Impute((float)batch.Columns[i].Numbers![0], i, features);
        }
        return features;
    }

    /// <summary>Column i's value (its training mean when missing) and whether it was missing, as the trainer lays them out.</summary>
    private void Impute(float value, int i, Span<float> features)
    {
        var missing = float.IsNaN(value);
        features[2 * i] = missing ? _means[i] : value;
        features[2 * i + 1] = missing ? 1f : 0f;
    }

    private double Score(ReadOnlySpan<float> features)
    {
        var score = (float)_trees.Output(features);
        return _calibrator is null ? score : Math.Clamp(_calibrator.PredictProbability(score), 0.0, 1.0);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    /// <summary>The trees and, for a calibrated binary model, its calibrator.</summary>
    internal static (RegressionTreeEnsemble? Trees, ICalibrator? Calibrator) Parts(object model)
    {
        if (model is TreeEnsembleModelParametersBasedOnRegressionTree trees)
        {
            return (trees.TrainedTreeEnsemble, null);
        }
        // CalibratedModelParametersBase<TSubModel, TCalibrator> is generic in both (and hides a base's
        // properties of the same names); its two typed parts are what matter.
        object? Part(string name) => model.GetType().GetProperties()
            .FirstOrDefault(p => p.Name == name && p.DeclaringType is { IsGenericType: true })?.GetValue(model);
        return Part("SubModel") is TreeEnsembleModelParametersBasedOnRegressionTree sub && Part("Calibrator") is ICalibrator calibrator
            ? (sub.TrainedTreeEnsemble, calibrator)
            : (null, null);
    }

    /// <summary>
    /// Rows that reach every corner of the model: each value a split's threshold on its column, a
    /// neighbour of one, missing, infinite or ordinary, drawn from a fixed seed so that a model is
    /// checked the same way every time it loads.
    /// </summary>
    private static IEnumerable<double[]> Probes(RegressionTreeEnsemble ensemble, int columns)
    {
        var thresholds = new List<float>[columns];
        for (var i = 0; i < columns; i++)
        {
            thresholds[i] = [0f];
        }
        foreach (var tree in ensemble.Trees)
        {
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                thresholds[tree.NumericalSplitFeatureIndexes[n] / 2].Add(tree.NumericalSplitThresholds[n]);
            }
        }
        var random = new Random(20261129);
        for (var r = 0; r < ProbeRows; r++)
        {
            var row = new double[columns];
            for (var i = 0; i < columns; i++)
            {
                var threshold = thresholds[i][random.Next(thresholds[i].Count)];
                row[i] = random.Next(10) switch
                {
                    0 => double.NaN,
                    1 => random.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity,
                    2 => MathF.BitIncrement(threshold),
                    3 => MathF.BitDecrement(threshold),
                    4 => threshold * (1 + (random.NextDouble() - 0.5) * 1e-9), // between floats: the cast to single decides
                    5 => (random.NextDouble() - 0.5) * 1e6,
                    _ => threshold,
                };
            }
            yield return row;
        }
    }

    /// <summary>ML.NET's own featurisation of one row of numbers: what the compiled imputation must equal.</summary>
    private sealed class FeatureProbe : IDisposable
    {
        private readonly MlNetInputRow _input;
        private readonly DataViewRow _row;
        private readonly ValueGetter<VBuffer<float>> _getter;
        private VBuffer<float> _features;

        public FeatureProbe(IRowToRowMapper mapper, DataViewSchema.Column column, int columns)
        {
            _input = new MlNetInputRow(mapper.InputSchema, new bool[columns]);
            _row = mapper.GetRow(_input, [column]);
            _getter = _row.GetGetter<VBuffer<float>>(column);
        }

        public float[] Features(FeatureBatch batch)
        {
            _input.Set(batch, 0);
            _getter(ref _features);
            return [.. _features.DenseValues()];
        }

        public void Dispose() => _row.Dispose();
    }
}
