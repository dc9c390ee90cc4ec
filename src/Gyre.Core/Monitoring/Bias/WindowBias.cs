using Gyre.Core.Data.Bias;

namespace Gyre.Core.Monitoring.Bias;

/// <summary>
/// A monitor window's post-training bias from the labels that have arrived for its predictions:
/// the report per value of the sensitive input, or <c>Missing</c> saying why there is none yet
/// (no label, one group).
/// </summary>
public sealed record WindowBias(long Window, long Start, long End, int Predictions, long Labelled, BiasReport? Report, string? Missing = null);
