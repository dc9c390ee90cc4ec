namespace Gyre.Core.Features;

/// <summary>
/// <c>POST /api/v1/training-sets</c>: for each row of the dataset version <c>Entities</c> (its entity
/// keys and its own <c>Timestamp</c> column: default, its column with role <c>timestamp</c>, else its only
/// datetime column), the
/// latest values at or before that time of <c>Features</c> (<c>GROUP:FEATURE</c> or <c>GROUP:*</c>),
/// recorded as a version of <c>Dataset</c> (default <c>training-set</c>) in <c>Format</c>
/// (<c>parquet</c>, the default, or <c>csv</c>).
/// </summary>
public sealed record TrainingSetRequest(string Entities, IReadOnlyList<string> Features, string? Timestamp = null, string? Dataset = null, string? Format = null)
{
    public const string DefaultDataset = "training-set";
}

/// <summary>A training set: the dataset version holding it, and the feature groups at the versions it read.</summary>
public sealed record TrainingSet(Data.DatasetVersion Version, IReadOnlyList<string> Groups);
