namespace Gyre.Core.Models;

/// <summary>
/// A loaded model, ready to answer: safe to call from many threads at once. Each row's prediction
/// is what the package's output means: P(positive) for a binary model, one probability per class,
/// or the value of a regression (an imported model's raw output row when it has no task).
/// </summary>
public interface IPredictor : IDisposable
{
    ModelPackage Package { get; }

    /// <summary>The columns the model reads (<see cref="ModelInput.Of"/>), worked out once at load, since every request is read against them.</summary>
    IReadOnlyList<ModelInput> Inputs { get; }

    /// <summary>The predictions for every row of the batch; invalid_argument naming the column when a value cannot be used.</summary>
    double[][] Predict(FeatureBatch batch);

    /// <summary>
    /// How concurrent requests share this model's calls when its endpoint says nothing: off, unless
    /// one call of many rows costs much less than as many calls of one (docs/benchmarks.md).
    /// </summary>
    Serving.Batching.BatchSettings Batching => Serving.Batching.BatchSettings.Off;
}
