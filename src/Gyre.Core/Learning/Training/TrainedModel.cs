namespace Gyre.Core.Learning.Training;

/// <summary>
/// A trained model: the ML.NET zip and, per test row in file order, the label and the prediction —
/// the probability of the positive class (binary), the class probabilities (multiclass) or the value.
/// </summary>
public sealed record TrainedModel(
    byte[] Model,
    IReadOnlyList<double> TestLabels,
    IReadOnlyList<IReadOnlyList<double>> TestPredictions,
    TimeSpan TrainingTime);
