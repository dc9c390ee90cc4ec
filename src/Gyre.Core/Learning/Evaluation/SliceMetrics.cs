namespace Gyre.Core.Learning.Evaluation;

/// <summary>The task's metrics on the test rows where a categorical column has one value.</summary>
public sealed record SliceMetrics(string Column, string Value, long Count, IReadOnlyDictionary<string, double> Metrics);
