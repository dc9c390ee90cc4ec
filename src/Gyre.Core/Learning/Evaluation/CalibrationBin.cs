namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// One bin of a calibration table (scikit-learn's <c>calibration_curve</c>, uniform strategy):
/// predicted probabilities in (<c>Lower</c>, <c>Upper</c>] (the first bin also holds 0), how many
/// rows fell there, their mean predicted probability and the share of them that were positive.
/// </summary>
public sealed record CalibrationBin(double Lower, double Upper, long Count, double MeanPredicted, double ObservedRate);
