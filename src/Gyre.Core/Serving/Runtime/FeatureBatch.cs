namespace Gyre.Core.Serving.Runtime;

/// <summary>
/// Rows for a model, column by column in the order of the package's feature columns. A numeric
/// column holds numbers (NaN where a value is missing), a text column strings (null where missing).
/// </summary>
public sealed record FeatureBatch(int Rows, IReadOnlyList<FeatureColumn> Columns);

/// <summary>One column of a <see cref="FeatureBatch"/>: <see cref="Numbers"/> or <see cref="Texts"/>, as its <see cref="ModelInput"/> says.</summary>
public sealed record FeatureColumn(string Name, double[]? Numbers, string?[]? Texts);
