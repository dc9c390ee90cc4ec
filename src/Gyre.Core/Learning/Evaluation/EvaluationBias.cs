using Gyre.Core.Data.Bias;

namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// A binary model's post-training bias on its test part by one column with role <c>sensitive</c>,
/// for its positive class as the favourable outcome; or, where the test part cannot show it (one
/// group, too many), <c>Missing</c> saying why.
/// </summary>
public sealed record EvaluationBias(string Sensitive, BiasReport? Report, string? Missing = null);
