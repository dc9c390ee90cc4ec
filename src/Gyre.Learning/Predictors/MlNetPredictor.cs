using System.Collections.Concurrent;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Learning.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gyre.Learning.Predictors;

/// <summary>
/// Serves an ML.NET model row by row, the way ML.NET's <c>PredictionEngine</c> does, but for
/// columns known only at run time: the model's row mapper reads from a mutable input row. A mapper
/// row is not thread-safe, so each thread takes one from a pool and returns it. A tree model of
/// numeric columns is evaluated instead by <see cref="CompiledTreeModel"/>, about four times
/// faster a row, once it has been checked against this row mapper at load.
/// </summary>
internal sealed class MlNetPredictor : IPredictor
{
    private readonly IRowToRowMapper _mapper;
    private readonly DataViewSchema.Column _output;
    private readonly bool[] _text;
    private readonly CompiledTreeModel? _compiled;
    // A queue, not a bag: requests resume on any pool thread, and a bag's per-thread lists would
    // make most takes steal from another thread's list under a lock.
    private readonly ConcurrentQueue<Engine> _engines = new();
    private volatile bool _disposed;

    private MlNetPredictor(ModelPackage package, ITransformer model)
    {
        Package = package;
        Inputs = ModelInput.Of(package);
        _text = [.. Inputs.Select(c => c.Text)];
        var schema = new DataViewSchema.Builder();
        for (var i = 0; i < _text.Length; i++)
        {
            schema.AddColumn(MlNetTrainer.Column(i), _text[i] ? TextDataViewType.Instance : NumberDataViewType.Single);
        }
        _mapper = model.GetRowToRowMapper(schema.ToSchema());
        var output = package.Task == ModelTasks.Binary ? "Probability" : "Score";
        _output = _mapper.OutputSchema.GetColumnOrNull(output)
            ?? throw GyreException.Invalid($"model: the ML.NET model gives no '{output}' column for a {package.Task} task");
        using var reference = new Engine(this);
        _compiled = CompiledTreeModel.TryCompile(model, package, Inputs, _mapper.InputSchema, batch => reference.Predict(batch, 0)[0]);
    }

    /// <summary>Whether the model's trees are evaluated by Gyre's own compiled evaluator rather than ML.NET's row machinery.</summary>
    internal bool IsCompiled => _compiled is not null;

    public ModelPackage Package { get; }

    public IReadOnlyList<ModelInput> Inputs { get; }

    public static MlNetPredictor Load(ModelPackage package, byte[] model)
    {
        if (package.Task is null)
        {
            throw GyreException.Invalid("package: an ML.NET package needs its task");
        }
        var (_, transformer) = MlNetPackageLoader.Load(package, model);
        return new MlNetPredictor(package, transformer);
    }

    public double[][] Predict(FeatureBatch batch)
    {
        if (_compiled is not null)
        {
            return _compiled.Predict(batch);
        }
        if (!_engines.TryDequeue(out var engine))
        {
            engine = new Engine(this);
        }
        try
        {
            var predictions = new double[batch.Rows][];
            for (var r = 0; r < batch.Rows; r++)
            {
                predictions[r] = engine.Predict(batch, r);
            }
            return predictions;
        }
        finally
        {
            if (_disposed)
            {
                engine.Dispose();
            }
            else
            {
                _engines.Enqueue(engine);
            }
        }
    }

    /// <summary>Disposes the idle engines now, and engines in use when their request hands them back.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (_engines.TryDequeue(out var engine))
        {
            engine.Dispose();
        }
    }

    /// <summary>An input row, the model's output row over it, and the getter of the prediction.</summary>
    private sealed class Engine : IDisposable
    {
        private readonly MlNetInputRow _input;
        private readonly DataViewRow _row;
        private readonly ValueGetter<float>? _single;
        private readonly ValueGetter<VBuffer<float>>? _vector;
        private readonly string _task;
        private VBuffer<float> _scores;

        public Engine(MlNetPredictor predictor)
        {
            _task = predictor.Package.Task!;
            _input = new MlNetInputRow(predictor._mapper.InputSchema, predictor._text);
            _row = predictor._mapper.GetRow(_input, [predictor._output]);
            if (_task == ModelTasks.Multiclass)
            {
                _vector = _row.GetGetter<VBuffer<float>>(predictor._output);
            }
            else
            {
                _single = _row.GetGetter<float>(predictor._output);
            }
        }

        public double[] Predict(FeatureBatch batch, int row)
        {
            _input.Set(batch, row);
            if (_vector is not null)
            {
                _vector(ref _scores);
                var values = new double[_scores.Length];
                var sum = 0.0;
                var i = 0;
                foreach (var v in _scores.DenseValues())
                {
                    values[i] = Math.Max(v, 0);
                    sum += values[i++];
                }
                if (sum > 0)
                {
                    for (var k = 0; k < values.Length; k++)
                    {
                        values[k] /= sum;
                    }
                }
                return values;
            }
            float value = 0;
            _single!(ref value);
            return [_task == ModelTasks.Binary ? Math.Clamp(value, 0.0, 1.0) : value];
        }

        public void Dispose() => _row.Dispose();
    }
}
