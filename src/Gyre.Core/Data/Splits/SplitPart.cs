namespace Gyre.Core.Data.Splits;

/// <summary>One part of a split, itself a dataset version (of <c>NAME.train</c> or <c>NAME.test</c>).</summary>
public sealed record SplitPart(string Part, string Dataset, long Version, string Digest, long Rows);
