using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Batching;
using Gyre.Learning.Onnx;
using Tensor = Gyre.Core.Models.Tensor;

namespace Gyre.Learning.Predictors;

/// <summary>
/// Serves an ONNX model: a batch becomes one <c>[rows, n]</c> tensor, or one <c>[rows, 1]</c>
/// tensor per column, and each row's prediction is its row of the package's output. ONNX Runtime's
/// session is thread-safe, so one serves every request.
/// </summary>
internal sealed class OnnxPredictor(OnnxModel model, ModelPackage package) : IPredictor
{
    public ModelPackage Package => package;

    public IReadOnlyList<ModelInput> Inputs { get; } = ModelInput.Of(package);

    /// <summary>
    /// On: ONNX Runtime's fixed cost a call is most of a small model's time, so requests that arrive
    /// together share calls (docs/benchmarks.md, "Adaptive batching"). Off for a model whose batch
    /// dimension is fixed at 1, which cannot take two rows in one call.
    /// </summary>
    public BatchSettings Batching { get; } = package.Signature.Inputs.Any(i => i.Shape.Count > 0 && i.Shape[0] == 1) ? BatchSettings.Off : DefaultBatching;

    /// <summary>
    /// The measured best for the fixtures' models: batches of up to 64 rows, and up to 200 µs of
    /// waiting for requests already on their way (a lone request does not wait).
    /// </summary>
    public static readonly BatchSettings DefaultBatching = new(BatchSettings.DefaultMaxRows, BatchSettings.DefaultMaxDelayUs);

    public static OnnxPredictor Load(ModelPackage package, byte[] bytes) => new(OnnxPackageLoader.Load(package, bytes), package);

    public double[][] Predict(FeatureBatch batch)
    {
        var rows = batch.Rows;
        foreach (var column in batch.Columns)
        {
            if (column.Numbers is null)
            {
                throw GyreException.Invalid($"{column.Name}: expected numbers; the ONNX model takes no text");
            }
            if (Array.FindIndex(column.Numbers, double.IsNaN) is var missing and >= 0)
            {
                throw GyreException.Invalid($"{column.Name}: row {batch.FirstRow + missing} has no value; an ONNX model needs every feature");
            }
        }
        IReadOnlyList<Tensor> inputs;
        if (package.FeatureInput is { } name)
        {
            var width = batch.Columns.Count;
            var values = new double[rows * width];
            for (var j = 0; j < width; j++)
            {
                var numbers = batch.Columns[j].Numbers!;
                for (var r = 0; r < rows; r++)
                {
                    values[(r * width) + j] = numbers[r];
                }
            }
            inputs = [new Tensor(name, [rows, width], values)];
        }
        else
        {
            inputs = [.. batch.Columns.Select(c => new Tensor(c.Name, [rows, 1], c.Numbers!))];
        }
        var output = model.Run(inputs).Single(t => t.Name == package.Output);
        var k = rows == 0 ? 0 : output.Values.Length / rows;
        var predictions = new double[rows][];
        for (var r = 0; r < rows; r++)
        {
            predictions[r] = output.Values[(r * k)..((r + 1) * k)];
        }
        return predictions;
    }

    public void Dispose() => model.Dispose();
}
