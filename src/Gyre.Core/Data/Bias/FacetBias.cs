namespace Gyre.Core.Data.Bias;

/// <summary>
/// The bias metrics of one value of the sensitive column (facet d, <c>Facet</c>) against all other
/// rows (facet a): their sizes, their favourable shares — observed and, after training, predicted —
/// and the metrics. Post-training metrics are there only when predictions were.
/// </summary>
public sealed record FacetBias(
    string Facet,
    long Rows,
    long OtherRows,
    double PositiveShare,
    double OtherPositiveShare,
    PretrainingBias Pretraining,
    double? PredictedPositiveShare = null,
    double? OtherPredictedPositiveShare = null,
    PosttrainingBias? Posttraining = null);
