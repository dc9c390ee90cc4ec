namespace Gyre.Core.Learning.Gate;

/// <summary>
/// The outcome of a gate, stored with the candidate version: passed or not, each check with its
/// values and reason, the metrics of both models, and what was compared. TFX calls a passing
/// model blessed: only such a model should be promoted. With bias bounds, <c>CandidateBias</c> and
/// <c>BaselineBias</c> hold both models' bias metrics per group of the sensitive column.
/// </summary>
public sealed record GateVerdict(
    string Model,
    long Candidate,
    long? Baseline,
    string TestDataset,
    bool Passed,
    IReadOnlyList<GateCheck> Checks,
    IReadOnlyDictionary<string, double> CandidateMetrics,
    IReadOnlyDictionary<string, double>? BaselineMetrics,
    long CreationTime,
    Data.Bias.BiasReport? CandidateBias = null,
    Data.Bias.BiasReport? BaselineBias = null);
