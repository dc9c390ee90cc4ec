using Gyre.Core.Monitoring.Learners;
using Gyre.Learning.Predictors;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;

namespace Gyre.Learning.Monitoring;

/// <summary>
/// <see cref="IVectorLearner"/> with ML.NET's LightGBM: 15 leaves at most, 20 rows a leaf, 50
/// iterations — a quick model for an estimate, not a tuned one. Its trees are scored flat
/// (<see cref="FlatTreeEnsemble"/>) rather than through an <c>IDataView</c>: the same outputs, a
/// fraction of the time on a window of 100,000 rows.
/// </summary>
internal sealed class LightGbmVectorLearner : IVectorLearner
{
    private const int Leaves = 15;
    private const int RowsPerLeaf = 20;
    private const int Iterations = 50;

    public IVectorModel Regress(IReadOnlyList<double[]> rows, IReadOnlyList<double> targets, int seed)
    {
        var ml = new MLContext(seed);
        var width = rows[0].Length;
        var schema = Schema(width);
        var data = ml.Data.LoadFromEnumerable(rows.Select((r, i) => new VectorRow { Features = Floats(r), Label = (float)targets[i] }), schema);
        var model = ml.Regression.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmRegressionTrainer.Options
        {
            NumberOfLeaves = Leaves,
            MinimumExampleCountPerLeaf = RowsPerLeaf,
            NumberOfIterations = Iterations,
            Seed = seed,
            // One thread: the same rows give the same model, and the monitor leaves the other core to the gateway.
            NumberOfThreads = 1,
        }).Fit(data);
        return Model.Of(ml, model, schema, "Score");
    }

    public IVectorModel Classify(IReadOnlyList<double[]> rows, IReadOnlyList<bool> targets, int seed)
    {
        var ml = new MLContext(seed);
        var schema = Schema(rows[0].Length, classify: true);
        var data = ml.Data.LoadFromEnumerable(rows.Select((r, i) => new ClassRow { Features = Floats(r), Label = targets[i] }), schema);
        var model = ml.BinaryClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer.Options
        {
            NumberOfLeaves = Leaves,
            MinimumExampleCountPerLeaf = RowsPerLeaf,
            NumberOfIterations = Iterations,
            Seed = seed,
            // One thread: the same rows give the same model, and the monitor leaves the other core to the gateway.
            NumberOfThreads = 1,
        }).Fit(data);
        return Model.Of(ml, model, Schema(rows[0].Length), "Probability");
    }

    private static float[] Floats(double[] row) => [.. row.Select(v => (float)v)];

    private static SchemaDefinition Schema(int width, bool classify = false)
    {
        var schema = SchemaDefinition.Create(classify ? typeof(ClassRow) : typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private sealed class ClassRow
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class VectorRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    /// <summary>A trained model: its flattened trees (and calibrator, for a classifier) when it has them, ML.NET's own scoring otherwise.</summary>
    internal sealed class Model(MLContext ml, ITransformer model, SchemaDefinition schema, string output, FlatTreeEnsemble? trees, ICalibrator? calibrator) : IVectorModel
    {
        public static Model Of<TModel>(MLContext ml, ISingleFeaturePredictionTransformer<TModel> model, SchemaDefinition schema, string output)
            where TModel : class
        {
            var (ensemble, calibrator) = CompiledTreeModel.Parts(model.Model);
            var trees = ensemble is null ? null : FlatTreeEnsemble.From(ensemble);
            // A classifier's probability needs its calibrator: without one, score through ML.NET.
            var flat = trees is not null && (output == "Score" || calibrator is not null);
            return new Model(ml, model, schema, output, flat ? trees : null, flat ? calibrator : null);
        }

        public double[] Predict(IReadOnlyList<double[]> rows)
        {
            if (trees is null)
            {
                return PredictWithMlNet(rows);
            }
            var predictions = new double[rows.Count];
            var features = new float[rows.Count == 0 ? 0 : rows[0].Length];
            for (var r = 0; r < rows.Count; r++)
            {
                for (var j = 0; j < features.Length; j++)
                {
                    features[j] = (float)rows[r][j];
                }
                // ML.NET sums the trees into a float; a classifier's calibrator turns that into a probability.
                var score = (float)trees.Output(features);
                predictions[r] = calibrator is null ? score : calibrator.PredictProbability(score);
            }
            return predictions;
        }

        /// <summary>ML.NET's own scoring through an <c>IDataView</c>, which the flat trees reproduce.</summary>
        internal double[] PredictWithMlNet(IReadOnlyList<double[]> rows)
        {
            var scored = model.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new VectorRow { Features = Floats(r) }), schema));
            return [.. scored.GetColumn<float>(output).Select(v => (double)v)];
        }
    }
}
