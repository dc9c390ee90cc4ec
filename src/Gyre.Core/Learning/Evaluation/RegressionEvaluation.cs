namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// Regression metrics with scikit-learn's definitions: R² is 1 for a perfect fit of a constant
/// target and 0 for an imperfect one (<c>force_finite</c>); MAPE divides by max(|actual|, machine
/// epsilon) and is a fraction, not a percentage.
/// </summary>
public sealed record RegressionEvaluation(long Count, double Rmse, double Mae, double R2, double Mape);
