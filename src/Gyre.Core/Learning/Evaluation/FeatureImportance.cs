namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// Permutation importance of one feature: how much the metric gets worse on the test part when the
/// feature's values are shuffled across rows (positive: the model relies on it).
/// </summary>
public sealed record FeatureImportance(string Feature, string Metric, double Drop);
