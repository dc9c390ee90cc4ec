using Gyre.Core.Learning.Evaluation;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;

namespace Gyre.Core.Learning.Training;

/// <summary>
/// A finished training: its run, the datasets it read, the test metrics (one of the three
/// evaluations, as the task), the class labels, and the registered version when one was asked for;
/// the permutation importance of each feature and the metrics per value of each categorical feature;
/// the curves the run page draws (ROC and precision–recall, or residuals); a binary model's bias by each sensitive column.
/// </summary>
public sealed record TrainingResult(
    RunId RunId,
    string Task,
    string Trainer,
    string Label,
    string TrainDataset,
    string TestDataset,
    IReadOnlyList<string> Features,
    IReadOnlyList<string>? Classes,
    BinaryEvaluation? Binary,
    MulticlassEvaluation? Multiclass,
    RegressionEvaluation? Regression,
    double TrainingSeconds,
    ModelVersion? ModelVersion,
    IReadOnlyDictionary<string, double>? Hyperparameters = null,
    IReadOnlyList<TrialResult>? Trials = null,
    IReadOnlyList<FeatureImportance>? Importance = null,
    IReadOnlyList<SliceMetrics>? Slices = null,
    EvaluationCurves? Curves = null,
    IReadOnlyList<EvaluationBias>? Bias = null);
