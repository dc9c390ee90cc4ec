namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// What the charts of a trained model's run page draw, kept with its evaluation: a binary model's
/// ROC curve (false against true positive rate) and precision–recall curve, each point with the
/// score threshold it stands for; a regression's residuals (a sample of predicted values against
/// actual minus predicted). Curves are thinned to at most <see cref="Curves.MaxPoints"/> points,
/// the ends always kept.
/// </summary>
public sealed record EvaluationCurves(
    IReadOnlyList<CurvePoint>? Roc = null,
    IReadOnlyList<CurvePoint>? PrecisionRecall = null,
    IReadOnlyList<ResidualPoint>? Residuals = null);

/// <summary>A point of a curve and the score threshold it stands for (infinite for the curve's start).</summary>
public sealed record CurvePoint(double X, double Y, double Threshold);

/// <summary>One regression test row: what the model predicted and the residual, actual minus predicted.</summary>
public sealed record ResidualPoint(double Predicted, double Residual);
