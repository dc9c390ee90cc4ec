namespace Gyre.Core.Models;

/// <summary>
/// Rows for a model, column by column in the order of the package's feature columns. A numeric
/// column holds numbers (NaN where a value is missing), a text column strings (null where missing).
/// <c>FirstRow</c> is the number its first row has in its source (a file's row 1, say), for messages.
/// </summary>
public sealed record FeatureBatch(int Rows, IReadOnlyList<FeatureColumn> Columns, long FirstRow = 0);

/// <summary>One column of a <see cref="FeatureBatch"/>: <see cref="Numbers"/> or <see cref="Texts"/>, as its <see cref="ModelInput"/> says.</summary>
public sealed record FeatureColumn(string Name, double[]? Numbers, string?[]? Texts);
