namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// Multiclass metrics with scikit-learn's definitions: the prediction is the most probable class
/// (the lowest index on a tie), macro F1 averages the classes present in the labels or the
/// predictions, micro F1 equals accuracy, and log-loss clips to [1e-15, 1 − 1e-15] and renormalises
/// each row. <c>Confusion</c> has a row per true class and a column per predicted class.
/// </summary>
public sealed record MulticlassEvaluation(
    long Count,
    double Accuracy,
    double MacroF1,
    double MicroF1,
    double LogLoss,
    IReadOnlyList<IReadOnlyList<long>> Confusion);
