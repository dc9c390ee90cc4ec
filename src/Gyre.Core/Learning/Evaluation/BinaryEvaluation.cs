namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// Binary classification metrics with scikit-learn's definitions: <c>Auc</c> is ROC AUC (ties
/// count half), <c>AveragePrecision</c> is PR-AUC as <c>average_precision_score</c> (no
/// interpolation), <c>LogLoss</c> clips probabilities to [1e-15, 1 − 1e-15], and accuracy,
/// precision, recall and F1 are of the class-1 predictions at <c>Threshold</c> (score ≥ threshold;
/// 0 where undefined). <c>Confusion</c> is [[tn, fp], [fn, tp]]. <c>Calibration</c> has the
/// non-empty bins of ten equal-width ones.
/// </summary>
public sealed record BinaryEvaluation(
    long Count,
    double Auc,
    double AveragePrecision,
    double LogLoss,
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double Brier,
    double Threshold,
    IReadOnlyList<IReadOnlyList<long>> Confusion,
    IReadOnlyList<CalibrationBin>? Calibration = null);
