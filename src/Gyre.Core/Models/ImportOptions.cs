namespace Gyre.Core.Models;

/// <summary>
/// What the graph of an imported model cannot say, each optional: the task; which input carries
/// the features and the names of its columns (for a <c>[batch, n]</c> input; models with one
/// <c>[batch, 1]</c> input per column are named by their inputs); which output is the prediction
/// and what it means; and the class labels, in the order of the output's columns.
/// </summary>
public sealed record ImportOptions(
    string? Task = null,
    string? FeatureInput = null,
    IReadOnlyList<string>? FeatureColumns = null,
    string? Output = null,
    string? OutputMeaning = null,
    IReadOnlyList<string>? Classes = null);
