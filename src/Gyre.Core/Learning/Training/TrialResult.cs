using Gyre.Core.Tracking;

namespace Gyre.Core.Learning.Training;

/// <summary>One trial of a search: its nested run, the hyperparameters drawn, and the validation metric.</summary>
public sealed record TrialResult(RunId RunId, int Trial, IReadOnlyDictionary<string, double> Hyperparameters, double Value);
