namespace Gyre.Core.Learning.Training;

/// <summary>
/// What a trainer gets: train and test files (CSV with a header, written by the data store, the
/// label first), the feature columns, and for classification the class labels in order (for a
/// binary task the second is the positive class; the label column holds their indices).
/// </summary>
public sealed record TrainingData(
    string TrainPath,
    string TestPath,
    string Task,
    string Label,
    IReadOnlyList<TrainingColumn> Features,
    IReadOnlyList<string>? Classes,
    string Trainer,
    IReadOnlyDictionary<string, double> Hyperparameters,
    int Seed);
